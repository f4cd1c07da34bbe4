"""stored maps: the state maps' drawings, each under a key naming its variant and a digest
of what it shows

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_map',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('mimetype', sa.String(length=40), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_map')),
    sa.UniqueConstraint('key', name=op.f('uq_stored_map_key'))
    )


def downgrade():
    op.drop_table('stored_map')
