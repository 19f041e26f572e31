import gc

from app import create_app

app = create_app(web_server=True)
# What start-up built (the app, SQLAlchemy's mappers, Babel's data: ~140,000 objects) lives as long
# as the process: out of the collector's sight, each full collection stops walking it again (about
# 1 ms a request, amortised, on the list pages).
gc.freeze()
