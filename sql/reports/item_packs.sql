-- Each item master row's MOQ and pack size (the report's order lines show them).
select sku, moq, pack_size from items
