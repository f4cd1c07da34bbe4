"""Services: the one bridge between the store (models) and the statistics and charts.

Views and CLI commands parse their input, call one service function and render what it
returns. Services own transactions: a failed write rolls back completely.
"""
