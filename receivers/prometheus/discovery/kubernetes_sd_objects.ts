import { z } from 'zod';

/**
 * The parts of the Kubernetes objects (core/v1 Pod, Service, Endpoints) that discovery reads, checked
 * where they enter: an API server (or a proxy in front of it) that answers something else yields no
 * object rather than a crash. Unknown fields are ignored, as every Kubernetes client does.
 */

const stringMap = z.record(z.string(), z.string()).optional();

const ownerReference = z.looseObject({ kind: z.string().default(''), name: z.string().default(''), controller: z.boolean().optional() });

export const objectMeta = z.looseObject({
  name: z.string(),
  namespace: z.string().default(''),
  uid: z.string().default(''),
  resourceVersion: z.string().optional(),
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: z.array(ownerReference).optional(),
});
export type ObjectMeta = z.output<typeof objectMeta>;

const containerPort = z.looseObject({
  name: z.string().default(''),
  containerPort: z.number().int(),
  // The API server defaults it to TCP.
  protocol: z.string().default('TCP'),
});

const container = z.looseObject({ name: z.string(), image: z.string().default(''), ports: z.array(containerPort).default([]) });

const containerStatus = z.looseObject({ name: z.string(), containerID: z.string().default('') });

export const pod = z.looseObject({
  metadata: objectMeta,
  spec: z.looseObject({
    nodeName: z.string().default(''),
    containers: z.array(container).default([]),
    initContainers: z.array(container).default([]),
  }).default({ nodeName: '', containers: [], initContainers: [] }),
  status: z.looseObject({
    phase: z.string().default(''),
    podIP: z.string().default(''),
    hostIP: z.string().default(''),
    conditions: z.array(z.looseObject({ type: z.string(), status: z.string() })).default([]),
    containerStatuses: z.array(containerStatus).default([]),
    initContainerStatuses: z.array(containerStatus).default([]),
  }).default({ phase: '', podIP: '', hostIP: '', conditions: [], containerStatuses: [], initContainerStatuses: [] }),
});
export type Pod = z.output<typeof pod>;

export const service = z.looseObject({
  metadata: objectMeta,
  spec: z.looseObject({ ipFamilyPolicy: z.string().optional(), ipFamilies: z.array(z.string()).default([]) }).default({ ipFamilies: [] }),
});
export type Service = z.output<typeof service>;

const endpointAddress = z.looseObject({
  ip: z.string(),
  hostname: z.string().optional(),
  nodeName: z.string().optional(),
  targetRef: z.looseObject({ kind: z.string().default(''), name: z.string().default(''), namespace: z.string().default('') }).optional(),
});

const endpointPort = z.looseObject({ name: z.string().default(''), port: z.number().int(), protocol: z.string().default('TCP') });

export const endpoints = z.looseObject({
  metadata: objectMeta,
  subsets: z
    .array(z.looseObject({ addresses: z.array(endpointAddress).default([]), notReadyAddresses: z.array(endpointAddress).default([]), ports: z.array(endpointPort).default([]) }))
    .default([]),
});
export type Endpoints = z.output<typeof endpoints>;

const optionalText = z.string().nullable().optional();

/** discovery.k8s.io/v1 EndpointSlice: optional fields are pointers in Go, so absent and null both mean unset. */
export const endpointSlice = z.looseObject({
  metadata: objectMeta,
  addressType: z.string().default(''),
  endpoints: z
    .array(
      z.looseObject({
        addresses: z.array(z.string()).default([]),
        conditions: z
          .looseObject({ ready: z.boolean().nullable().optional(), serving: z.boolean().nullable().optional(), terminating: z.boolean().nullable().optional() })
          .default({}),
        hostname: optionalText,
        nodeName: optionalText,
        zone: optionalText,
        targetRef: z.looseObject({ kind: z.string().default(''), name: z.string().default(''), namespace: z.string().default('') }).nullable().optional(),
        deprecatedTopology: z.record(z.string(), z.string()).nullable().optional(),
      }),
    )
    .nullable()
    .default([]),
  ports: z
    .array(z.looseObject({ name: optionalText, port: z.number().int().nullable().optional(), protocol: optionalText, appProtocol: optionalText }))
    .nullable()
    .default([]),
});
export type EndpointSlice = z.output<typeof endpointSlice>;

/** What the list call answers (PodList, ServiceList, EndpointsList). */
export const objectList = z.looseObject({
  metadata: z.looseObject({ resourceVersion: z.string().default(''), continue: z.string().optional() }).default({ resourceVersion: '' }),
  items: z.array(z.unknown()).nullable().default([]),
});

/** One line of a watch stream (meta/v1 WatchEvent). */
export const watchEvent = z.looseObject({
  type: z.enum(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']),
  object: z.looseObject({
    metadata: z.looseObject({ resourceVersion: z.string().optional() }).optional(),
    // An ERROR event's object is a meta/v1 Status.
    code: z.number().optional(),
    reason: z.string().optional(),
  }),
});
export type WatchEvent = z.output<typeof watchEvent>;
