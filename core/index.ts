/**
 * What components may use of core/, by concept. Components import from here, never from core's files;
 * core/ imports no component.
 */

// The data model: what travels through a pipeline (data.ts).
export {
  type Batch,
  cloneBatch,
  countDataPoints,
  type DataPointFlags,
  FLAG_NO_RECORDED_VALUE,
  hasNoRecordedValue,
  type LogBatch,
  logBatch,
  type MetricBatch,
  metricBatch,
  type Signal,
} from './data.js';

// The component contract: consumers, components, the host, factories (component.ts).
export type {
  CollectorStatus,
  Component,
  ComponentContext,
  ComponentKind,
  Consumer,
  Exporter,
  ExporterFactory,
  Extension,
  ExtensionFactory,
  Factory,
  Host,
  MutatesData,
  Processor,
  ProcessorFactory,
  Receiver,
  ReceiverFactory,
} from './component.js';

// How a consumer says "retry" or "bad data" (errors.ts).
export { BackPressureError, errorMessage, isBackPressure, PermanentError } from './errors.js';

// The pipeline graph: fan-out, and the running collector (pipeline/).
export { fanout, FanoutConsumer } from './pipeline/fanout.js';
export { Collector, type CollectorOptions } from './pipeline/collector.js';

// Durable mode, one optional capability (durable/, docs/durability.md).
export {
  coveredPosition,
  type CoverageHost,
  coversOf,
  type DurableCapability,
  isLogPositionRecorder,
  type LogPosition,
  type LogPositionRecorder,
  logPositionSource,
  mergeCovers,
  withCovers,
} from './durable/index.js';

// Config loading and its errors (config/).
export { type CollectorConfig, type ComponentConfig, loadConfigFile, parseConfig, type PipelineConfig, type Section } from './config/load.js';
export { ConfigError, type ConfigIssue, formatIssue, joinPath } from './config/errors.js';
export { scrubEnvValues } from './config/env_issues.js';
export { closest } from './config/zod_issues.js';
// Storage: the file_storage extension and the `storage` keys that name it by id (storage.ts).
export {
  isStorageExtension,
  noStorage,
  providesStorage,
  rightForm,
  storageId,
  type StorageExtension,
  type StorageExtensionFactory,
  storageLookup,
  type StorageLookup,
  type StorageRef,
  usesStorage,
  type UsesStorage,
} from './storage.js';
export { refusedKey } from './config/refused_key.js';

// Config value types components put in their schemas: durations, sizes, endpoints.
export { byteSize, duration, endpoint, formatEndpoint, type HostPort, MAX_DURATION_MS, parseDuration, parseEndpoint, parseSize } from './config/units.js';

// Time, injected so interval and retry logic is tested without sleeping (clock.ts).
export { type Clock, hrTimeToMs, ManualClock, msToHrTime, systemClock, type Timer } from './clock.js';
// Logging, and keeping secrets out of it (logger.ts, redact.ts).
export { createLogger, type Logger, type LogLevel, silentLogger } from './logger.js';
export { defineKey, isSecretKey, REDACTED, redactConfig, redactForLog, redactUrls } from './redact.js';
// Self-telemetry: the collector's own metrics (telemetry.ts).
export { type CounterHandle, type GaugeHandle, type Labels, SelfMetric, SelfTelemetry } from './telemetry.js';

// Kong log entries: their shape, decoding, and what the Kong log receivers count (kong/).
export { isObject, type JsonObject, type KongLogEntry, numberField, stringField } from './kong/entry.js';
export {
  type DecodeFailure,
  decodeEntryText,
  type DecodedEntries,
  type DecodedEntry,
  decodeJsonText,
  decodeParsedBody,
  describeRejected,
  entryRejection,
  parseErrorWithoutInput,
  type RejectedEntry,
} from './kong/decode.js';
export { LogReceiverTelemetry } from './kong/receiver_telemetry.js';

// Why a receiver or listener refused, rejected or closed: the self-telemetry reason labels (reasons.ts).
export {
  CLOSED_REASONS,
  type ClosedReason,
  type EntryRejectedReason,
  LISTENER_REFUSED_REASONS,
  type ListenerRefusedReason,
  REFUSED_REASONS,
  type RefusedReason,
  refusedReasonOf,
  REJECTED_POINT_REASONS,
  REJECTED_REASONS,
  type Rejection,
  type RejectedPointReason,
  type RejectedReason,
  SCRAPE_FAILURE_REASONS,
  type ScrapeFailureReason,
  type ValueRejectedReason,
} from './reasons.js';

// Servers receivers and exporters listen with: auth, TLS, bodies, connection limits (net/).
export { answeredUnauthorized, type AuthConfig, Authenticator, authSchema, decodeBasicCredentials } from './net/auth.js';
export { type BodyEncoding, bodyEncodingOf, type BodyResult, readBody } from './net/body.js';
export { readTlsMaterial, type TlsMaterial, type TlsServerConfig, tlsServerOptions, type TlsServerOptions, tlsServerSchema } from './net/tls.js';
export { readPemFile } from './net/pem_file.js';
export { listen, listenError } from './net/listen.js';
export { createHttpServer, type GuardedHttpServer, type ListenerContext } from './net/http_server.js';
export { HttpListener, SHUTDOWN_GRACE_MS } from './net/http_listener.js';
export {
  DEFAULT_MAX_CONNECTIONS,
  headerTimeoutIssue,
  type HttpServerDefaults,
  httpServerKeys,
  type HttpServerSettings,
  maxConnections,
} from './net/server_config.js';
export { ConnectionGuard, type ConnectionGuardOptions } from './net/connection_guard.js';
export { ClientErrorAnswers, endAnswer, LINGER_MS, lingerBytes, type OnCut } from './net/lingering_close.js';

// Files and directories kept on disk: queues, logs, checkpoints (fs/).
export { diskProblem, errnoCode } from './fs/disk_problem.js';
export { type EntryKind, forEachEntry } from './fs/dir_entries.js';
export { FileTooLargeError, NotRegularFileError, type OpenedFile, openRegularFile, readRegularFile } from './fs/regular_file.js';
export { syncDirectory } from './fs/sync_dir.js';
export { moveAside } from './fs/move_aside.js';
