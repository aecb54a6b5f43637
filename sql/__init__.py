"""SQL files of the warehouse, run by ``warehouse.sqlfiles`` in the order it declares."""
