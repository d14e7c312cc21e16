-- Streamcast from Flink SQL: per-key forecasts and anomaly scores of the events topic, written exactly once to the
-- forecasts topic, and the records that are not events to the dead-letter topic, in the DataStream job's JSON shapes
-- (so either can feed the other's consumers). Two jobs: the dead letters, then the forecasts.
--
-- Run with Flink's SQL client against a session cluster that has flink-sql-connector-kafka-5.0.0-2.2.jar in lib/:
--   sql-client.sh -f forecast-kafka.sql
-- Edit the places marked EDIT first: the function jar's path (sql/target/streamcast-sql.jar, built by
-- `mvn -pl sql -am package`), the Kafka bootstrap servers (three times). See docs/sql.md.

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

-- The job's input records: {"key": "...", "ts": <epoch millis>, "value": <number>}, read as text ('raw' format) so
-- that no record is lost: `reason` says why a record is not an event (the DataStream job's dead-letter reason codes),
-- NULL for an event. Records with a reason go to the dead-letter topic (first INSERT), the others are forecast
-- (second INSERT). Event time is ts; no out-of-orderness allowed (the job's default,
-- streamcast.watermark.out-of-orderness = 0), and as in the job the watermark is 1 ms behind the newest event: Flink
-- 2.2 drops a row at or behind the watermark before the function sees it, so without the 1 ms another key's row at
-- the same instant as the newest one would be lost. A record without a valid ts gets event time 0 (a NULL rowtime
-- would fail the watermark generator; 0 never moves the watermark) and is dead-lettered.
CREATE TABLE IF NOT EXISTS events (
  `line`      STRING,                                          -- the record's value as UTF-8 text
  `topic`     STRING METADATA VIRTUAL,
  `partition` INT METADATA VIRTUAL,
  `offset`    BIGINT METADATA VIRTUAL,
  `key`       AS JSON_VALUE(`line`, '$.key'),
  `ts`        AS TRY_CAST(JSON_VALUE(`line`, '$.ts') AS BIGINT),
  `value`     AS TRY_CAST(JSON_VALUE(`line`, '$.value') AS DOUBLE),
  `reason`    AS CASE
                   WHEN `line` IS NULL OR `line` IS NOT JSON OBJECT THEN 'malformed-json'
                   WHEN JSON_VALUE(`line`, '$.key') IS NULL THEN 'missing-key'
                   WHEN TRIM(JSON_VALUE(`line`, '$.key')) = '' THEN 'blank-key'
                   WHEN TRY_CAST(JSON_VALUE(`line`, '$.ts') AS BIGINT) IS NULL
                     OR TRY_CAST(JSON_VALUE(`line`, '$.ts') AS BIGINT) NOT BETWEEN 0 AND 253402300799999
                     THEN 'bad-timestamp'
                   WHEN JSON_VALUE(`line`, '$.value') IS NULL THEN 'missing-value'
                   WHEN TRY_CAST(JSON_VALUE(`line`, '$.value') AS DOUBLE) IS NULL THEN 'bad-value'
                   WHEN ABS(TRY_CAST(JSON_VALUE(`line`, '$.value') AS DOUBLE)) > 1e12 THEN 'value-out-of-bounds'
                 END,
  event_time  AS TO_TIMESTAMP_LTZ(CASE
                   WHEN TRY_CAST(JSON_VALUE(`line`, '$.ts') AS BIGINT) BETWEEN 0 AND 253402300799999
                     THEN TRY_CAST(JSON_VALUE(`line`, '$.ts') AS BIGINT) ELSE 0 END, 3),
  WATERMARK FOR event_time AS event_time - INTERVAL '0.001' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'events',
  'properties.bootstrap.servers' = 'localhost:9092',          -- EDIT
  'properties.group.id' = 'streamcast-sql',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'scan.watermark.idle-timeout' = '30s',
  'format' = 'raw'
);

-- The events the function forecasts: the records without a reason.
CREATE VIEW IF NOT EXISTS valid_events AS
SELECT `key`, `ts`, `value`, event_time FROM events WHERE `reason` IS NULL;

-- The job's dead-letter records: {"raw","reason","detail","topic","partition","offset","seenAt"} (docs/sql.md).
CREATE TABLE IF NOT EXISTS dead_letters (
  `raw`       STRING,
  `reason`    STRING,
  `detail`    STRING,
  `topic`     STRING,
  `partition` INT,
  `offset`    BIGINT,
  `seenAt`    BIGINT
) WITH (
  'connector' = 'kafka',
  'topic' = 'events-dlq',
  'properties.bootstrap.servers' = 'localhost:9092',          -- EDIT
  'properties.transaction.timeout.ms' = '900000',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = 'streamcast-sql-dead-letters',
  'format' = 'json'
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

-- Every record that is not an event, once, to the dead-letter topic (a job of its own, reading the topic with a
-- consumer group of its own). seenAt: the wall clock when the record was rejected, epoch milliseconds (to the second).
INSERT INTO dead_letters
SELECT `line` AS `raw`, `reason`,
       CASE `reason`
         WHEN 'malformed-json' THEN 'not a JSON object'
         WHEN 'missing-key' THEN 'no "key" field that is a string or a number'
         WHEN 'blank-key' THEN '"key" is blank'
         WHEN 'bad-timestamp' THEN 'no "ts" field of epoch milliseconds between 1970 and 9999'
         WHEN 'missing-value' THEN 'no "value" field'
         WHEN 'bad-value' THEN '"value" is not a number'
         WHEN 'value-out-of-bounds' THEN '"value" is outside [-1e12, 1e12]'
       END AS detail,
       `topic`, `partition`, `offset`, 1000 * UNIX_TIMESTAMP() AS seenAt
FROM events /*+ OPTIONS('properties.group.id' = 'streamcast-sql-dead-letters') */
WHERE `reason` IS NOT NULL;

-- One forecast per accepted event. Optional arguments (defaults shown in docs/sql.md):
--   model => 'file:///models/my-model.scm', state_ttl => INTERVAL '7' DAY, warm_up_events => 150,
--   anomaly_threshold => 0.9999, emit_rejected => TRUE, value_column => 'value'
INSERT INTO forecasts
SELECT `key`, `ts`, `value`, `forecast`, `lower`, `upper`,
       anomaly_score AS anomalyScore, is_anomaly AS isAnomaly, anomaly_likelihood AS anomalyLikelihood,
       residual_surprise AS residualSurprise, profile_surprise AS profileSurprise,
       outside_seen_range AS outsideSeenRange, model_version AS modelVersion
FROM STREAMCAST_FORECAST(
  input   => TABLE valid_events PARTITION BY `key`,
  on_time => DESCRIPTOR(event_time),
  uid     => 'streamcast-forecast'
);
