"""SQL files of the warehouse, run by ``warehouse.db`` in the order ``SCHEMA_FILES`` declares."""
