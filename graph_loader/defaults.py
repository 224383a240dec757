"""The loader's defaults, in a module that imports nothing: the command line's help shows them.

(:mod:`graph_loader.load` imports pandas, which ``journey --help`` should not wait for.)
"""

__all__ = ["BATCH_ROWS", "DEFAULT_MAX_REJECT_SHARE", "DEFAULT_WAIT_SECONDS"]

#: Rows per write: each batch is one transaction of the store.
BATCH_ROWS = 100_000
#: A file with a larger share of its rows rejected makes the load's exit status non-zero.
DEFAULT_MAX_REJECT_SHARE = 0.05
#: How long, in seconds, a load waits for another load of the same store to finish.
DEFAULT_WAIT_SECONDS = 120.0
