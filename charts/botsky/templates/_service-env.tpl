{{/*
botsky.service-env: the environment of one service. Call with (list $ "feed" .Values.feed).
The variables every service reads come first, then the service's own (docs/configuration.md).
Each name must be one the service's config spec reads: packages/deploy/test/chart-env.test.ts
checks every rendered variable against the specs, so a renamed variable fails there.
*/}}
{{- define "botsky.service-env" -}}
{{- $root := index . 0 }}{{ $name := index . 1 }}{{ $svc := index . 2 }}
{{- $v := $root.Values }}
- name: BOTSKY_OPS_PORT
  value: {{ $v.common.opsPort | quote }}
- name: LOG_LEVEL
  value: {{ $v.common.logLevel | quote }}
- name: BOTSKY_DRAIN_TIMEOUT_MS
  value: {{ $v.common.drainTimeoutMs | quote }}
- name: BOTSKY_BUS
  value: {{ include "botsky.bus-url" $root | quote }}
{{- with $v.common.busNamespace }}
- name: BOTSKY_NAMESPACE
  value: {{ . | quote }}
{{- end }}
{{- /* Every service creates the streams, so every one must be given the same limits. */}}
{{- range $key, $limits := $v.bus.streams }}
{{- $prefix := printf "BOTSKY_STREAM_%s" (snakecase $key | upper) }}
- name: {{ $prefix }}_MAX_AGE
  value: {{ $limits.maxAge | quote }}
- name: {{ $prefix }}_MAX_BYTES
  value: {{ $limits.maxBytes | quote }}
{{- end }}
{{- if and $v.project.did (has $name (list "ingest" "matchmaker" "scoring" "web")) }}
- name: BOTSKY_PROJECT_DID
  value: {{ $v.project.did | quote }}
{{- end }}
{{- if eq $name "scoring" }}
- name: BOTSKY_WAREHOUSE
  value: {{ include "botsky.warehouse-url" $root | quote }}
- name: CLICKHOUSE_DATABASE
  value: {{ $v.warehouse.database | quote }}
- name: CLICKHOUSE_USER
  value: {{ $v.warehouse.username | quote }}
- name: CLICKHOUSE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "botsky.warehouse-secret" $root }}
      key: {{ $v.warehouse.passwordKey }}
- name: BOTSKY_LEADERBOARD_PORT
  value: {{ $svc.leaderboardPort | quote }}
- name: BOTSKY_LEADERBOARD_GRPC_PORT
  value: {{ $svc.grpcPort | quote }}
- name: BOTSKY_BATTLE_RULE
  value: {{ $svc.battleRule | quote }}
- name: BOTSKY_BATTLE_WEIGHTING
  value: {{ $svc.battleWeighting | quote }}
- name: BOTSKY_RANK_BY
  value: {{ $svc.rankBy | quote }}
- name: BOTSKY_INFLUENCE_DAILY_CAP
  value: {{ $svc.influenceDailyCap | quote }}
- name: BOTSKY_HARM_THRESHOLD
  value: {{ $svc.harmThreshold | quote }}
- name: BOTSKY_POST_TEXT_RETENTION_DAYS
  value: {{ $v.warehouse.postTextRetentionDays | quote }}
{{- else if eq $name "ingest" }}
- name: BOTSKY_INGEST_SOURCE
  value: {{ $svc.source | quote }}
- name: BOTSKY_INGEST_URL
  value: {{ $svc.url | quote }}
- name: BOTSKY_INGEST_SCOPE
  value: {{ $svc.scope | quote }}
- name: BOTSKY_INGEST_IDLE_TIMEOUT_MS
  value: {{ $svc.idleTimeoutMs | quote }}
- name: BOTSKY_INGEST_READY_GRACE_MS
  value: {{ $svc.readyGraceMs | quote }}
{{- with $svc.startCursor }}
- name: BOTSKY_INGEST_CURSOR
  value: {{ . | quote }}
{{- end }}
{{- else if eq $name "feed" }}
- name: BOTSKY_FEED_PORT
  value: {{ $svc.publicPort | quote }}
- name: BOTSKY_FEED_HOSTNAME
  value: {{ $svc.hostname | quote }}
- name: BOTSKY_FEED_SERVICE_DID
  value: {{ default (ternary (printf "did:web:%s" $svc.hostname) "" (ne $svc.hostname "")) $svc.serviceDid | quote }}
{{- else if eq $name "web" }}
- name: BOTSKY_WEB_PORT
  value: {{ $svc.port | quote }}
- name: BOTSKY_WEB_LEADERBOARD_URL
  value: {{ printf "http://%s:%v" (include "botsky.component-name" (list $root "scoring")) $v.scoring.leaderboardPort | quote }}
{{- with $svc.hostname }}
- name: BOTSKY_WEB_PUBLIC_URL
  value: {{ printf "https://%s" . | quote }}
{{- end }}
- name: BOTSKY_WEB_FEED_URL
  value: {{ printf "http://%s:%v" (include "botsky.component-name" (list $root "feed")) $v.feed.publicPort | quote }}
{{- with $svc.sessionSecret.name }}
- name: BOTSKY_WEB_SESSION_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $svc.sessionSecret.key }}
{{- end }}
{{- else if eq $name "gateway" }}
- name: BOTSKY_GATEWAY_PORT
  value: {{ $svc.port | quote }}
- name: BOTSKY_GATEWAY_MODELS_FILE
  value: {{ include "botsky.gateway-models-file" $root | quote }}
- name: BOTSKY_GATEWAY_MAX_TOKENS
  value: {{ $svc.maxTokens | quote }}
- name: BOTSKY_GATEWAY_UPSTREAM_TIMEOUT_MS
  value: {{ $svc.upstreamTimeoutMs | quote }}
{{- if $svc.secretMounts }}
- name: BOTSKY_SECRETS_DIR
  value: {{ include "botsky.secrets-dir" $root | quote }}
{{- end }}
{{- with $svc.adminToken.name }}
- name: BOTSKY_GATEWAY_ADMIN_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $svc.adminToken.key }}
{{- end }}
{{- include "botsky.registry-secret-env" $root }}
- name: OPENAI_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "botsky.llm-secret" $root }}
      key: OPENAI_API_KEY
      optional: true
- name: ANTHROPIC_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "botsky.llm-secret" $root }}
      key: ANTHROPIC_API_KEY
      optional: true
{{- else if eq $name "bot-runner" }}
{{- if include "botsky.bots-secret" $root }}
- name: BOTSKY_BOTS_FILE
  value: {{ printf "%s/%s" (trimSuffix "/" $svc.bots.mountPath) $svc.bots.key | quote }}
{{- end }}
{{- if include "botsky.self-service-bots" $root }}
{{- include "botsky.registry-secret-env" $root }}
{{- with include "botsky.gateway-url" $root }}
- name: BOTSKY_GATEWAY_URL
  value: {{ . | quote }}
{{- end }}
- name: BOTSKY_REGISTRY_POLL
  value: {{ $v.selfServiceBots.pollInterval | quote }}
- name: BOTSKY_SANDBOX_SAMPLES
  value: {{ $v.selfServiceBots.sandboxSamples | quote }}
{{- end }}
{{- if $svc.secretMounts }}
- name: BOTSKY_SECRETS_DIR
  value: {{ include "botsky.secrets-dir" $root | quote }}
{{- end }}
- name: OPENAI_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "botsky.llm-secret" $root }}
      key: OPENAI_API_KEY
      optional: true
- name: ANTHROPIC_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "botsky.llm-secret" $root }}
      key: ANTHROPIC_API_KEY
      optional: true
{{- end }}
{{- range $key, $value := merge (dict) $svc.env $v.common.env }}
{{- if or (hasPrefix "BOTSKY_STREAM_" $key) (has $key (list "BOTSKY_INGEST_SCOPE" "BOTSKY_PROJECT_DID" "BOTSKY_POST_TEXT_RETENTION_DAYS" "BOTSKY_REGISTRY_SECRET")) }}
{{- fail (printf "%s in the env of %s (or common.env): the chart sets it from a value (bus.streams, ingest.scope, project.did, warehouse.postTextRetentionDays, selfServiceBots), so that every service agrees and the schema checks it; set that value instead" $key $name) }}
{{- end }}
- name: {{ $key }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}

{{/*
botsky.registry-secret-env: BOTSKY_REGISTRY_SECRET from the one Secret the gateway and bot-runner
share (what one seals the other opens), when self-service bots are on. Call with $.
*/}}
{{- define "botsky.registry-secret-env" -}}
{{- if include "botsky.self-service-bots" . }}
- name: BOTSKY_REGISTRY_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "botsky.registry-secret" . }}
      key: {{ .Values.selfServiceBots.secretKey }}
{{- end }}
{{- end }}
