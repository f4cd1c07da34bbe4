"""slug redirects: the old slugs of renamed questions, races and pollsters, so that their
links and embeds keep working (301 to the current slug)

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('slug_redirect',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('old_slug', sa.String(length=120), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slug_redirect')),
    sa.UniqueConstraint('kind', 'old_slug', name=op.f('uq_slug_redirect_kind_old_slug'))
    )


def downgrade():
    op.drop_table('slug_redirect')
