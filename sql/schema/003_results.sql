-- Results of each run, keyed by run_id; views in sql/views pick the latest completed run.
create table if not exists demand (
    run_id       varchar not null,
    sku          varchar not null,
    period_start date not null,
    qty          double not null,   -- units in the period (zero-filled)
    order_lines  bigint not null,   -- hits: order lines in the period
    revenue      double not null    -- currency, qty x unit price
);

create table if not exists forecasts (
    run_id       varchar not null,
    sku          varchar not null,
    step         integer not null,  -- 1 = the first period after as_of
    period_start date not null,
    model        varchar not null,
    mean         double not null,   -- units per period
    lower        double not null,   -- units per period, lower bound of the interval
    upper        double not null,
    level        double not null,   -- interval coverage, e.g. 0.9
    sigma        double not null,   -- RMSE of one-step backtest errors, units per period
    q50          double not null,   -- per-period demand quantiles, units (calibrated on backtest errors)
    q80          double not null,
    q90          double not null,
    q95          double not null,
    q99          double not null
);

create table if not exists forecast_lead_time (
    run_id  varchar not null,
    sku     varchar not null,
    periods integer not null,  -- L: cumulative demand over the next L periods
    mean    double not null,   -- units
    q50     double not null,   -- units; what safety stock for a lead time of L periods needs
    q80     double not null,
    q90     double not null,
    q95     double not null,
    q99     double not null
);

create table if not exists forecast_accuracy (
    run_id   varchar not null,
    sku      varchar not null,
    model    varchar not null,  -- a candidate, or the chosen forecast (a combination like MA4+TSB)
    rmsse    double,            -- rolling-origin backtest: root mean squared scaled error, mean over origins
    mase     double,            -- mean absolute scaled error, mean over origins
    wape     double,            -- sum |error| / sum actual over the origins
    bias     double,            -- sum (forecast - actual) / sum actual: > 0 over-forecasts
    selected boolean not null
);

-- the chosen forecast at each backtest origin beside the demand it forecast (kept for the latest run)
create table if not exists forecast_backtests (
    run_id       varchar not null,
    sku          varchar not null,
    origin       date not null,     -- the first period the backtest forecast (history before it only)
    step         integer not null,  -- 1 = the origin's period
    period_start date not null,
    forecast     double not null,   -- units per period
    actual       double not null    -- units per period, as scored (outlier periods capped)
);

-- one row per SKU: the chosen forecast and its season (what the policy reads besides the quantiles)
create table if not exists forecast_summary (
    run_id             varchar not null,
    sku                varchar not null,
    model              varchar not null,  -- the chosen forecast (a candidate or a combination)
    mean               double not null,   -- units per period, the first forecast period
    sigma              double,            -- RMSE of one-step backtest errors, units per period
    pattern            varchar,           -- smooth | erratic | intermittent | lumpy | none
    scale              double,            -- the naive scale errors are measured in, units per period
    outliers_capped    integer,           -- history periods capped as outliers
    season_index       double,            -- the yearly profile at the first forecast period (1 = an average period)
    season_ending      boolean,           -- in season, and the season ends within the horizon
    season_end_periods double             -- periods until the season ends (NaN: no season ending)
);

create table if not exists forecast_coverage (
    run_id   varchar not null,
    level    double not null,   -- nominal central interval, e.g. 0.9
    coverage double not null,   -- share of actuals inside it on the latest backtest origin
    n        bigint not null
);

create table if not exists sku_classes (
    run_id       varchar not null,
    sku          varchar not null,
    abc          varchar not null,
    xyz          varchar not null,
    pattern      varchar not null,  -- smooth | erratic | intermittent | lumpy | none
    lifecycle    varchar not null,  -- new | active | dead
    abc_basis    varchar not null,  -- value | volume | hits
    basis_amount double not null,   -- the basis summed over the window
    cum_share    double not null,   -- cumulative share of the basis, items ranked by it
    annual_qty   double not null,   -- units over the window
    order_lines  double,            -- order lines (hits) over the window
    annual_value double not null,   -- currency over the window
    value_source varchar not null,  -- cost (item master) | price (selling price: cost unknown)
    cv           double,            -- coefficient of variation of per-period demand
    adi          double,            -- average inter-demand interval, periods
    cv2          double,            -- squared CV of non-zero demand sizes
    periods      integer not null,  -- periods in the window
    periods_since_first  integer not null,
    periods_since_demand integer not null,
    demand_interval      double           -- mean periods between demands up to the last (null: fewer than 2)
);
alter table sku_classes add column if not exists demand_interval double;

create table if not exists recommendations (
    run_id              varchar not null,
    sku                 varchar not null,
    description         varchar,
    supplier            varchar,           -- from the item master: purchase orders go per supplier
    policy              varchar not null,  -- JIC | JIT | PHASE_OUT (dead items)
    reason              varchar not null,  -- the choice in plain words, with the numbers it rests on
    abc                 varchar not null,
    xyz                 varchar not null,
    pattern             varchar not null,
    model               varchar not null,
    service_level       double,            -- target cycle service level (JIC): the class's, the item's own, or per item
    mean_demand         double not null,   -- units per period, the forecast's mean over lead time + review
    demand_std          double not null,   -- units per period, one-step forecast error
    unit_cost           double not null,   -- currency per unit
    lead_time_days      double not null,
    lead_time_std_days  double not null,
    protection_days     double,            -- lead time + review period: what the reorder point covers
    lead_time_demand    double not null,   -- units expected over the lead time
    safety_stock        double not null,   -- units (0 for JIT)
    reorder_point       double not null,   -- units: mean demand over lead time + review, plus the buffer
    order_up_to         double not null,   -- units
    order_qty           double not null,   -- units per order
    orders_per_year     double not null,
    order_cost          double,            -- currency per purchase order, freight included (item or default)
    order_line_cost     double,            -- expected currency per order line: the line, plus the purchase order unless the supplier gets one anyway
    holding_rate        double,            -- carrying cost per year, share of unit cost (item or default)
    obsolescence_rate   double,            -- share of the stock's value lost per year it sits (item or class default)
    backorder_share     double,            -- share of unmet demand that waits (item or class default); the rest is lost
    ordering_cost_year  double not null,   -- currency per year
    holding_cost_year   double not null,   -- currency per year
    obsolescence_cost_year double,         -- currency per year
    shortage_cost_year  double,            -- currency per year: lost margin and waiting cost on expected shortages
    expected_units_short double,           -- units per year the chosen policy is expected to leave unserved from stock
    capital_tied_up     double not null,   -- currency: (safety stock + half an order) x unit cost
    days_of_cover       double,            -- days the safety stock lasts at mean demand
    on_hand             double,            -- units, from the stock snapshot
    on_order            double,
    inventory_position  double,
    reorder_now         boolean not null,
    reorder_qty         double not null,   -- units to order today
    reorder_value       double not null,   -- currency
    risk_flag           varchar,
    season_ending       boolean,           -- the forecast sees its season end: orders cover at most the rest of it
    order_by            date,              -- when the projected position (forecast, on order) reaches the reorder point
    days_until_stockout double,            -- days the stock on hand lasts at the forecast (NaN: beyond the horizon)
    urgency             varchar,           -- overdue | today | this week | later (items with a stock count)
    service_measure     varchar,           -- cycle | fill_rate (JIC items)
    expected_cost_jic   double,            -- currency per year: holding + obsolescence + ordering + expected shortage
    expected_cost_jit   double,            -- currency per year, same terms under JIT
    costs_from          varchar,           -- replay (both choices replayed on the item's last replay_history periods) | formulas
    decided_by          varchar,           -- cost (the cheaper of JIC and JIT) | class (the popular-vs-rare rule) | replay (the catalogue's policy the replay chose) | lifecycle | item master
    assumed             varchar,           -- inputs taken from configured defaults
    exceptions          varchar,           -- the item's exceptions (run_exceptions), "; " between: on its order line too
    stock_date          date               -- the date of the stock count the item's position comes from
);

create table if not exists simulation_results (
    run_id              varchar not null,
    scenario            varchar not null,  -- plain | supplier delay ... | demand spike ... | freight cost x2 | lead-time spread ...
    strategy            varchar not null,  -- JIT everywhere | JIC everywhere (at the A level) | class rule | recommended
    abc                 varchar not null,  -- A | B | C | all (classes known at the start of the replay)
    fill_rate           double,            -- demand served from stock in its own period / demand
    -- replenishment cycles (delivery to delivery) with demand and no stock-out / cycles with demand
    cycle_service_level double,
    cycle_service_per_item double,         -- the mean of each item's own cycle service level
    cycles_per_item     double,            -- replenishment cycles with demand per SKU
    target_cycle_service double,           -- planned levels of the items buffered throughout, weighted by their cycles
    jic_cycle_service_level double,        -- what those items reached
    switched_items      double,            -- items whose JIT/JIC choice changed during the replay
    period_service_level double,           -- periods with demand and no stock-out / periods with demand
    stockout_periods    double not null,   -- SKU-periods with a stock-out
    avg_stock_value     double not null,   -- currency, mean over the replayed periods
    orders              double not null,   -- order lines
    purchase_orders     double,            -- purchase orders (one per supplier and period carries its lines)
    lost                double,            -- units short and lost
    backordered         double,            -- units short that waited for stock
    holding_cost        double not null,   -- currency over the replay
    obsolescence_cost   double,
    ordering_cost       double not null,   -- purchase orders (shared by their lines) + order lines
    shortage_cost       double not null,   -- lost margin on lost units + waiting cost on waiting ones
    total_cost          double not null,   -- currency over the replay (holding + obsolescence + ordering + shortage)
    weeks               integer not null,  -- periods replayed
    skus_total          integer,           -- SKUs known at the start of the replay
    skus_replayed       integer            -- fewer than skus_total: a class-stratified sample, sums weighted up
);
-- working databases created before the per-item costs and the supplier existed
alter table recommendations add column if not exists supplier varchar;
alter table recommendations add column if not exists order_cost double;
alter table recommendations add column if not exists holding_rate double;
-- working databases created before the sample columns existed
alter table simulation_results add column if not exists skus_total integer;
alter table simulation_results add column if not exists skus_replayed integer;
alter table simulation_results add column if not exists period_service_level double;
-- working databases created before the true clock, the cost terms and the exchange curve
alter table simulation_results add column if not exists cycle_service_per_item double;
alter table simulation_results add column if not exists cycles_per_item double;
alter table simulation_results add column if not exists target_cycle_service double;
alter table simulation_results add column if not exists jic_cycle_service_level double;
alter table simulation_results add column if not exists purchase_orders double;
alter table simulation_results add column if not exists lost double;
alter table simulation_results add column if not exists backordered double;
alter table simulation_results add column if not exists obsolescence_cost double;
alter table simulation_results add column if not exists switched_items double;
alter table recommendations add column if not exists protection_days double;
alter table recommendations add column if not exists order_line_cost double;
alter table recommendations add column if not exists obsolescence_rate double;
alter table recommendations add column if not exists backorder_share double;
alter table recommendations add column if not exists obsolescence_cost_year double;
alter table recommendations add column if not exists shortage_cost_year double;
alter table recommendations add column if not exists expected_units_short double;
alter table sku_classes add column if not exists order_lines double;
alter table recommendations add column if not exists season_ending boolean;
alter table recommendations add column if not exists order_by date;
alter table recommendations add column if not exists days_until_stockout double;
alter table recommendations add column if not exists urgency varchar;
alter table recommendations add column if not exists costs_from varchar;
alter table recommendations add column if not exists exceptions varchar;
alter table recommendations add column if not exists stock_date date;

-- what a buyer should look at, each with its rule and the money at stake
create table if not exists run_exceptions (
    run_id         varchar not null,
    sku            varchar not null,
    exception      varchar not null,  -- stock-out before the next receipt | excess stock | too much on order | buffer out of proportion | season ending | policy changed
    rule           varchar not null,  -- the rule that raised it, in words
    money_at_stake double not null,   -- currency: stock value, margin at risk or change in capital
    detail         varchar            -- the numbers behind it
);

-- The catalogue's policy chosen by the replay: every candidate's replayed figures, the one the
-- run planned with (chosen) and last run's (previous); no rows where the run did not choose
create table if not exists policy_choice (
    run_id            varchar not null,
    candidate         varchar not null,  -- recommended | JIT everywhere | JIC everywhere <level> | class rule JIC <classes>, shortfall x<k>
    avg_stock_value   double not null,   -- currency, mean over the replayed periods
    fill_rate         double,            -- demand served from stock in its own period / demand
    cycle_service_a   double,            -- A items: replenishment cycles without a stock-out / cycles
    holding_cost      double not null,   -- currency per year
    obsolescence_cost double not null,   -- currency per year
    ordering_cost     double not null,   -- currency per year
    shortage_cost     double not null,   -- currency per year: lost margin + waiting cost
    total_cost        double not null,   -- currency per year
    chosen            boolean not null,  -- the policy this run planned with
    previous          boolean not null,  -- the last completed run's choice
    reason            varchar            -- the choice in words, with its figures (on the chosen row)
);

-- Stock against service and cost, replayed (plain scenario): where each policy sits
create table if not exists exchange_curves (
    run_id            varchar not null,
    policy            varchar not null,  -- JIT everywhere | JIC everywhere | class rule | recommended
    setting           varchar not null,  -- JIC everywhere: its uniform cycle service level ("(equal stock)": the recommendation's stock)
    avg_stock_value   double not null,   -- currency, mean over the replayed periods
    fill_rate         double,            -- demand served from stock in its own period / demand
    cycle_service_a   double,            -- A items: replenishment cycles without a stock-out / cycles
    orders_per_year   double not null,   -- order lines per year
    purchase_orders_per_year double,
    holding_cost      double not null,   -- currency per year
    obsolescence_cost double not null,   -- currency per year
    ordering_cost     double not null,   -- currency per year
    shortage_cost     double not null,   -- currency per year: lost margin + waiting cost
    total_cost        double not null,   -- currency per year
    weeks             integer not null,  -- periods replayed
    skus_total        integer,
    skus_replayed     integer
);
