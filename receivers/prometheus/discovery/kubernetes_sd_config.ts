import { z } from 'zod';
import { refusedKey } from '../../../core/index.js';

/**
 * One `kubernetes_sd_configs` entry, with Prometheus' keys and checks (prometheus/prometheus
 * discovery/kubernetes/kubernetes.go at d15adb9a, `SDConfig.UnmarshalYAML`). Roles pod, endpoints and
 * endpointslice only; the HTTP client keys are the two a cluster needs (`bearer_token_file`, `tls_config`).
 */

const ROLES = ['pod', 'endpoints', 'endpointslice'] as const;
export type KubernetesRole = (typeof ROLES)[number];

/** Which selector roles each role's watches take (Prometheus' `allowedSelectors`; node: no node watch here). */
const ALLOWED_SELECTORS: Readonly<Record<KubernetesRole, readonly string[]>> = {
  pod: ['pod'],
  endpoints: ['pod', 'service', 'endpoints'],
  endpointslice: ['pod', 'service', 'endpointslice'],
};

const OTHER_ROLES = ['node', 'service', 'ingress'];

const role = z
  .string({ message: 'role missing (one of: pod, endpoints, endpointslice)' })
  .superRefine((r, ctx) => {
  if ((ROLES as readonly string[]).includes(r)) return;
  ctx.addIssue({
    code: 'custom',
    message: OTHER_ROLES.includes(r)
      ? `kongtel discovers roles pod, endpoints and endpointslice only; use role: pod (one target per Kong container port) or role: endpointslice (the pods behind a Service)`
      : `unknown Kubernetes SD role "${r}": use pod, endpoints or endpointslice`,
  });
})
  // Checked just above.
  .transform((r) => r as KubernetesRole);

const selector = z.strictObject({
  role: z.string({ message: 'must be the role the selector applies to: pod, service, endpoints or endpointslice' }),
  /** A label selector as `kubectl -l` takes it, e.g. "app.kubernetes.io/name=kong". */
  label: z.string().optional(),
  /** A field selector, e.g. "status.phase=Running". */
  field: z.string().optional(),
});

const tlsConfig = z.strictObject({
  ca_file: z.string().min(1, 'must be the path of a PEM file of CA certificates').optional(),
  insecure_skip_verify: z.boolean().default(false),
});

const input = z.strictObject({
  role,
  /** Unset: in-cluster, from KUBERNETES_SERVICE_HOST/PORT and the pod's service account. */
  api_server: z
    .string()
    .refine((v) => /^https?:\/\/[^/\s]+\/?$/.test(v), 'must be the API server\'s URL, e.g. "https://kubernetes.default.svc:443" (no path)')
    .optional(),
  namespaces: z
    .strictObject({
      names: z.array(z.string().min(1, 'must not be empty')).default([]),
      own_namespace: z.boolean().default(false),
    })
    .default({ names: [], own_namespace: false }),
  selectors: z.array(selector).default([]),
  bearer_token_file: z.string().min(1, 'must be the path of a file holding the token').optional(),
  tls_config: tlsConfig.optional(),
  kubeconfig_file: refusedKey('kongtel reaches the API server in-cluster (the pod\'s service account) or through api_server; remove kubeconfig_file'),
  attach_metadata: refusedKey('kongtel attaches no node, namespace or controller metadata; remove attach_metadata', [{}, { node: false }, { namespace: false }]),
});

export const kubernetesSdConfigSchema = input.superRefine((c, ctx) => {
  const customHttp = c.bearer_token_file !== undefined || c.tls_config !== undefined;
  if (c.api_server === undefined && customHttp) {
    ctx.addIssue({
      code: 'custom',
      path: [c.bearer_token_file !== undefined ? 'bearer_token_file' : 'tls_config'],
      message: 'to use a custom HTTP client configuration please provide the api_server URL explicitly (in-cluster, the service account\'s token and CA are used)',
    });
  }
  if (c.api_server !== undefined && c.namespaces.own_namespace) {
    ctx.addIssue({
      code: 'custom',
      path: ['namespaces', 'own_namespace'],
      message: 'cannot be used with api_server (the own namespace is read from the in-cluster service account); list the namespace in namespaces.names',
    });
  }
  const allowed = ALLOWED_SELECTORS[c.role];
  const seen = new Set<string>();
  c.selectors.forEach((s, i) => {
    if (seen.has(s.role)) ctx.addIssue({ code: 'custom', path: ['selectors', i, 'role'], message: `duplicated selector role: ${s.role}` });
    seen.add(s.role);
    if (!allowed.includes(s.role)) {
      ctx.addIssue({ code: 'custom', path: ['selectors', i, 'role'], message: `${c.role} role supports only ${allowed.join(', ')} selectors` });
    }
  });
});

export type KubernetesSdConfig = z.output<typeof kubernetesSdConfigSchema>;

/** The label and field selector of one watched kind, as the list and watch calls send them. */
export interface ResourceSelector {
  readonly label?: string;
  readonly field?: string;
}

export function selectorFor(config: KubernetesSdConfig, kind: 'pod' | 'service' | 'endpoints' | 'endpointslice'): ResourceSelector {
  const s = config.selectors.find((x) => x.role === kind);
  return { label: s?.label, field: s?.field };
}
