-- Streamcast from Flink SQL: per-key forecasts and anomaly scores of the events topic, written exactly once to the
-- forecasts topic, in the DataStream job's JSON shapes (so either can feed the other's consumers).
--
-- Run with Flink's SQL client against a session cluster that has flink-sql-connector-kafka-5.0.0-2.2.jar in lib/:
--   sql-client.sh -f forecast-kafka.sql
-- Edit the three places marked EDIT first: the function jar's path (sql/target/streamcast-sql.jar, built by
-- `mvn -pl sql -am package`), the Kafka bootstrap servers (twice). See docs/sql.md.

-- Exactly-once Kafka transactions commit on checkpoints: forecasts become visible (read_committed) one interval late.
SET 'execution.checkpointing.interval' = '2s';
SET 'execution.checkpointing.mode' = 'EXACTLY_ONCE';
SET 'pipeline.generic-types' = 'false';
-- no defensive copy of every row between chained operators (the DataStream job does the same): the planner's
-- operators do not keep the rows they are given
SET 'pipeline.object-reuse' = 'true';

-- EDIT: where the jar is on the machine the SQL client runs on (it ships the jar with the job)
CREATE FUNCTION IF NOT EXISTS STREAMCAST_FORECAST AS 'io.streamcast.sql.StreamcastForecast'
  USING JAR 'file:///opt/streamcast/streamcast-sql.jar';

-- The job's input records: {"key": "...", "ts": <epoch millis>, "value": <number>}. Event time is ts; no
-- out-of-orderness allowed (the job's default, streamcast.watermark.out-of-orderness = 0), and as in the job the
-- watermark is 1 ms behind the newest event: Flink 2.2 drops a row at or behind the watermark before the function
-- sees it, so without the 1 ms another key's row at the same instant as the newest one would be lost.
CREATE TABLE IF NOT EXISTS events (
  `key`      STRING,
  `ts`       BIGINT,
  `value`    DOUBLE,
  event_time AS TO_TIMESTAMP_LTZ(`ts`, 3),
  WATERMARK FOR event_time AS event_time - INTERVAL '0.001' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'events',
  'properties.bootstrap.servers' = 'localhost:9092',          -- EDIT
  'properties.group.id' = 'streamcast-sql',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'scan.watermark.idle-timeout' = '30s',
  'format' = 'json',
  -- a record that is not JSON of this shape is skipped (the DataStream job dead-letters it instead)
  'json.ignore-parse-errors' = 'true'
);

-- The job's forecast records: {"key","ts","value","forecast":[..],"lower":[..],"upper":[..],"anomalyScore",
-- "isAnomaly","anomalyLikelihood","residualSurprise","profileSurprise","outsideSeenRange","modelVersion"},
-- keyed by the series key.
CREATE TABLE IF NOT EXISTS forecasts (
  `key`               STRING,
  `ts`                BIGINT,
  `value`             DOUBLE,
  `forecast`          ARRAY<FLOAT>,
  `lower`             ARRAY<FLOAT>,
  `upper`             ARRAY<FLOAT>,
  `anomalyScore`      DOUBLE,
  `isAnomaly`         BOOLEAN,
  `anomalyLikelihood` DOUBLE,
  `residualSurprise`  DOUBLE,
  `profileSurprise`   DOUBLE,
  `outsideSeenRange`  BOOLEAN,
  `modelVersion`      STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'forecasts',
  'properties.bootstrap.servers' = 'localhost:9092',          -- EDIT
  'properties.transaction.timeout.ms' = '900000',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = 'streamcast-sql',
  'key.format' = 'raw',
  'key.fields' = 'key',
  'value.format' = 'json',
  'value.fields-include' = 'ALL'
);

-- One forecast per accepted event. Optional arguments (defaults shown in docs/sql.md):
--   model => 'file:///models/my-model.scm', state_ttl => INTERVAL '7' DAY, warm_up_events => 150,
--   anomaly_threshold => 0.9999, emit_rejected => TRUE, value_column => 'value'
INSERT INTO forecasts
SELECT `key`, `ts`, `value`, `forecast`, `lower`, `upper`,
       anomaly_score AS anomalyScore, is_anomaly AS isAnomaly, anomaly_likelihood AS anomalyLikelihood,
       residual_surprise AS residualSurprise, profile_surprise AS profileSurprise,
       outside_seen_range AS outsideSeenRange, model_version AS modelVersion
FROM STREAMCAST_FORECAST(
  input   => TABLE events PARTITION BY `key`,
  on_time => DESCRIPTOR(event_time),
  uid     => 'streamcast-forecast'
);
