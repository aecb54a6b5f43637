-- One count per SKU per snapshot day; a re-sent snapshot of the same day replaces it.
insert or replace into stock_snapshots by name
with final as (
    select cast(snapshot_date as date) as snapshot_date, sku, on_hand, on_order, load_id
    from staged_rows
)
select * from final;
