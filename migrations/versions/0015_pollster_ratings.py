"""pollster ratings: each pollster's accuracy from decided races, as ``flask rate-pollsters``
last computed it

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pollster_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pollster_id', sa.Integer(), nullable=False),
    sa.Column('polls', sa.Integer(), nullable=False),
    sa.Column('races', sa.Integer(), nullable=False),
    sa.Column('bias_races', sa.Integer(), nullable=False),
    sa.Column('first_cycle', sa.Integer(), nullable=False),
    sa.Column('last_cycle', sa.Integer(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('verdict', sa.String(length=20), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pollster_id'], ['pollster.id'], name=op.f('fk_pollster_rating_pollster_id_pollster'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pollster_rating')),
    sa.UniqueConstraint('pollster_id', name=op.f('uq_pollster_rating_pollster_id'))
    )


def downgrade():
    op.drop_table('pollster_rating')
