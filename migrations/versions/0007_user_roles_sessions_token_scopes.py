"""users: roles, a session epoch, disabling; the user audit trail; API tokens' owner,
scope (read/write) and the questions and races they may write

Revision ID: 0007
Revises: 0006

Every account made before roles stays an admin (the column's default). Tokens made
before scopes keep writing every question (scope ``write``, no lists) and belong to no
account (service tokens of the CLI).
"""
import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=20), server_default='admin', nullable=False))
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('disabled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.create_check_constraint('role_kind', "role IN ('admin', 'editor', 'reviewer')")
    op.create_table('user_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=300), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_audit'))
    )
    with op.batch_alter_table('user_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_audit_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_audit_subject'), ['subject'], unique=False)
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('scope', sa.String(length=10), server_default='write', nullable=False))
        batch_op.add_column(sa.Column('question_ids', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('race_ids', sa.JSON(), server_default='[]', nullable=False))
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_api_token_user_id_user_account'), 'user_account',
                                    ['user_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_api_token_user_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))
        batch_op.drop_column('race_ids')
        batch_op.drop_column('question_ids')
        batch_op.drop_column('scope')
        batch_op.drop_column('user_id')
    with op.batch_alter_table('user_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_audit_subject'))
        batch_op.drop_index(batch_op.f('ix_user_audit_at'))
    op.drop_table('user_audit')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_account_role_kind'), type_='check')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('disabled_at')
        batch_op.drop_column('session_epoch')
        batch_op.drop_column('role')
