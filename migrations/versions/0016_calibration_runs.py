"""calibration runs: each run of ``flask evaluate``, the methods' final averages of the
decided races against their results

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calibration_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.Column('races', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.JSON(), nullable=False),
    sa.Column('tables', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calibration_run'))
    )
    with op.batch_alter_table('calibration_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calibration_run_computed_at'), ['computed_at'], unique=False)


def downgrade():
    op.drop_table('calibration_run')
