"""the inclusion policy: a pollster can be excluded from every average, with a public reason

Revision ID: 0013
Revises: 0012

Every pollster that exists when this runs stays included (the server default).
"""
import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pollster', schema=None) as batch_op:
        batch_op.add_column(sa.Column('excluded_from_averages', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('exclusion_reason', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('pollster', schema=None) as batch_op:
        batch_op.drop_column('exclusion_reason')
        batch_op.drop_column('excluded_from_averages')
