-- Raw layer: every loaded file, every accepted order line, every rejected row with its rule.
create table if not exists load_log (
    load_id             bigint primary key,
    kind                varchar not null,   -- orders | items | stock
    file_path           varchar not null,
    file_sha256         varchar not null,   -- the same bytes are never loaded twice
    file_bytes          bigint not null,
    run_id              varchar,            -- null when loaded by `jitjic ingest`
    loaded_at           timestamp not null,
    rows_read           bigint not null,
    rows_loaded         bigint not null,
    rows_rejected       bigint not null,
    rows_already_loaded bigint not null,    -- lines another file had loaded already
    rows_replaced       bigint default 0,   -- earlier lines this file corrected (same order_id and sku)
    grain               varchar,            -- order lines: line (dated sales) | period (one total per SKU and period)
    period              varchar             -- order lines: the period (day | week | month) they were judged against
);
-- working databases created before corrections were tracked, and before the grain was
alter table load_log add column if not exists rows_replaced bigint default 0;
alter table load_log add column if not exists grain varchar;
alter table load_log add column if not exists period varchar;

create table if not exists load_rule_counts (
    load_id bigint not null,
    rule    varchar not null,
    rows    bigint not null,
    primary key (load_id, rule)
);

create table if not exists order_lines (
    -- md5 of the fields that identify a line; unique because a load adds only keys not present
    -- (sql/ingest/insert_order_lines.sql), not a declared key: the index on tens of millions of
    -- keys made every load several times slower
    line_key    varchar not null,
    load_id     bigint not null,
    source_row  bigint not null,      -- line in the file (header = 1) or Parquet row
    order_id    varchar,
    sku         varchar not null,     -- trimmed, upper-cased
    description varchar,
    ordered_at  timestamp not null,
    quantity    double not null,      -- units; negative only for returns when ingest.returns = "net"
    unit_price  double,               -- currency per unit
    customer_id varchar,
    country     varchar
);

create table if not exists rejects (
    load_id     bigint not null,
    kind        varchar not null,
    source_row  bigint not null,
    rule        varchar not null,
    reason      varchar not null,  -- why the row was rejected: the rule, the column and the value
    sku         varchar,
    order_id    varchar,
    ordered_at  varchar,
    quantity    varchar,
    unit_price  varchar
);

create table if not exists items (
    sku                varchar primary key,
    description        varchar,
    unit_cost          double,   -- currency per unit
    supplier           varchar,  -- who the item is bought from (one purchase order per supplier)
    lead_time_days     double,
    lead_time_std_days double,
    moq                double,   -- units
    pack_size          double,   -- units
    order_cost         double,   -- currency per purchase order, freight included
    holding_rate       double,   -- carrying cost per year, share of unit cost
    on_time_rate       double,   -- share of deliveries on time (used where lead_time_std_days is missing)
    policy_override    varchar,  -- JIC | JIT whatever the class rule says; null: the rule decides
    target_service_level double, -- this item's service target instead of its class's
    obsolescence_rate  double,   -- share of the stock's value lost per year it sits (obsolete, spoilt)
    backorder_share    double,   -- share of unmet demand that waits for the supplier's delivery
    review_period_days double,   -- days between two orders to this item's supplier (its order cycle)
    max_wait_days      double,   -- the longest this item's customers wait for a delivery
    shortage_cost      double,   -- currency per unit short beyond the lost margin (a stopped machine)
    load_id            bigint not null
);
-- working databases created before the per-item costs existed
alter table items add column if not exists order_cost double;
alter table items add column if not exists holding_rate double;
alter table items add column if not exists on_time_rate double;
alter table items add column if not exists policy_override varchar;
alter table items add column if not exists target_service_level double;
alter table items add column if not exists obsolescence_rate double;
alter table items add column if not exists backorder_share double;
alter table items add column if not exists review_period_days double;
alter table items add column if not exists max_wait_days double;
alter table items add column if not exists shortage_cost double;

create table if not exists stock_snapshots (
    snapshot_date date not null,
    sku           varchar not null,
    on_hand       double not null,   -- units
    on_order      double not null,   -- units
    load_id       bigint not null,
    primary key (snapshot_date, sku)
);

-- Rows a later load replaced (a corrected re-send, a newer item master or count), kept with the
-- load that replaced them: `jitjic unload` of that load puts them back. Same columns as their
-- table, plus replaced_by.
create table if not exists replaced_order_lines as select *, 0::bigint as replaced_by from order_lines limit 0;
create table if not exists replaced_items as select *, 0::bigint as replaced_by from items limit 0;
create table if not exists replaced_stock as select *, 0::bigint as replaced_by from stock_snapshots limit 0;

create table if not exists load_overlaps (
    load_id         bigint not null,   -- a load some of whose lines were loaded already ...
    earlier_load_id bigint not null,   -- ... by this earlier load
    rows            bigint not null,   -- lines of load_id counted as already loaded from earlier_load_id
    primary key (load_id, earlier_load_id)
);
