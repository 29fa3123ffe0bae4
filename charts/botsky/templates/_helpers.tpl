{{/*
Names. botsky.fullname is the prefix of every resource: the release name, followed by the chart
name unless the release name already contains it (the usual Helm convention).
*/}}
{{- define "botsky.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "botsky.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* botsky.component-name: the name of one component's resources. Call with (list $ "feed"). */}}
{{- define "botsky.component-name" -}}
{{- printf "%s-%s" (include "botsky.fullname" (index . 0)) (index . 1) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* botsky.labels: the labels of every object of a component. Call with (list $ "feed"). */}}
{{- define "botsky.labels" -}}
{{- $root := index . 0 -}}
helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version | replace "+" "_" }}
{{ include "botsky.selector-labels" . }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: botsky
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
{{- end }}

{{/* botsky.selector-labels: the labels a component's selectors match. Call with (list $ "feed"). */}}
{{- define "botsky.selector-labels" -}}
app.kubernetes.io/name: {{ include "botsky.name" (index . 0) }}
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/*
botsky.services: the services as "name: values key" lines, in start order (consumers
before producers, like `botsky up`). Templates range over this instead of repeating themselves.
*/}}
{{- define "botsky.services" -}}
scoring: scoring
feed: feed
web: web
gateway: gateway
bot-runner: botRunner
matchmaker: matchmaker
ingest: ingest
{{- end }}

{{- define "botsky.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* BOTSKY_BUS: the configured NATS, or the bundled one. */}}
{{- define "botsky.bus-url" -}}
{{- if .Values.bus.url }}
{{- .Values.bus.url }}
{{- else if .Values.nats.enabled }}
{{- printf "nats://%s:4222" (include "botsky.component-name" (list . "nats")) }}
{{- else }}
{{- fail "bus.url is empty and nats.enabled is false: set bus.url to an existing NATS with JetStream, or enable the bundled one" }}
{{- end }}
{{- end }}

{{/* BOTSKY_WAREHOUSE: the configured ClickHouse, or the bundled one. */}}
{{- define "botsky.warehouse-url" -}}
{{- if .Values.warehouse.url }}
{{- .Values.warehouse.url }}
{{- else if .Values.clickhouse.enabled }}
{{- printf "http://%s:8123" (include "botsky.component-name" (list . "clickhouse")) }}
{{- else }}
{{- fail "warehouse.url is empty and clickhouse.enabled is false: set warehouse.url to an existing ClickHouse, or enable the bundled one" }}
{{- end }}
{{- end }}

{{/* The Secret holding the ClickHouse password: the operator's, or the chart's own. */}}
{{- define "botsky.warehouse-secret" -}}
{{- default (include "botsky.component-name" (list . "warehouse")) .Values.warehouse.existingSecret }}
{{- end }}

{{- define "botsky.grafana-secret" -}}
{{- default (include "botsky.component-name" (list . "grafana")) .Values.grafana.admin.existingSecret }}
{{- end }}

{{- define "botsky.llm-secret" -}}
{{- default (include "botsky.component-name" (list . "llm-keys")) .Values.botRunner.llmKeys.existingSecret }}
{{- end }}

{{/* The Secret with the bot registry, or nothing when there is no registry at all. */}}
{{- define "botsky.bots-secret" -}}
{{- if .Values.botRunner.bots.existingSecret }}
{{- .Values.botRunner.bots.existingSecret }}
{{- else if .Values.botRunner.bots.registry }}
{{- include "botsky.component-name" (list . "bots") }}
{{- end }}
{{- end }}

{{/* Where botRunner.secretMounts are mounted: bot-runner's BOTSKY_SECRETS_DIR (its default too). */}}
{{- define "botsky.secrets-dir" -}}
/var/run/secrets/botsky
{{- end }}

{{/*
botsky.generated-password: a Secret value that is the given one, else the one already in the
cluster (so upgrades keep it), else a new random one. Call with (list $ secretName key given).
*/}}
{{- define "botsky.generated-password" -}}
{{- $root := index . 0 }}{{ $name := index . 1 }}{{ $key := index . 2 }}{{ $given := index . 3 }}
{{- if $given }}
{{- $given | b64enc }}
{{- else }}
{{- $existing := lookup "v1" "Secret" $root.Release.Namespace $name }}
{{- if and $existing (hasKey $existing.data $key) }}
{{- index $existing.data $key }}
{{- else }}
{{- randAlphaNum 32 | b64enc }}
{{- end }}
{{- end }}
{{- end }}

{{/*
botsky.grace-seconds: terminationGracePeriodSeconds for a service: the preStop pause, plus the
drain deadline rounded up to whole seconds, plus 5 s so the kubelet's SIGKILL never cuts a
drain that is still inside its deadline.
*/}}
{{- define "botsky.grace-seconds" -}}
{{- $drainSeconds := div (add .Values.common.drainTimeoutMs 999) 1000 }}
{{- add .Values.common.preStopSleepSeconds $drainSeconds 5 }}
{{- end }}

{{/* The KEDA trigger's stream: BOTSKY_TASKS, prefixed like the bus prefixes it (namespace.ts). */}}
{{- define "botsky.tasks-stream" -}}
{{- if .Values.common.busNamespace }}{{ printf "%s_BOTSKY_TASKS" .Values.common.busNamespace }}{{ else }}BOTSKY_TASKS{{ end }}
{{- end }}

{{- define "botsky.nats-monitoring" -}}
{{- if .Values.botRunner.keda.natsMonitoringEndpoint }}
{{- .Values.botRunner.keda.natsMonitoringEndpoint }}
{{- else if .Values.nats.enabled }}
{{- printf "%s.%s.svc:8222" (include "botsky.component-name" (list . "nats")) .Release.Namespace }}
{{- else }}
{{- fail "botRunner.keda.natsMonitoringEndpoint is empty and nats.enabled is false: name the existing NATS's monitoring endpoint (host:8222)" }}
{{- end }}
{{- end }}

{{/* Grafana's Prometheus datasource: the configured one, or the bundled Prometheus. */}}
{{- define "botsky.prometheus-url" -}}
{{- if .Values.grafana.prometheusUrl }}
{{- .Values.grafana.prometheusUrl }}
{{- else if .Values.prometheus.enabled }}
{{- printf "http://%s:%v" (include "botsky.component-name" (list . "prometheus")) .Values.prometheus.service.port }}
{{- else }}
{{- fail "grafana.prometheusUrl is empty and prometheus.enabled is false: set grafana.prometheusUrl to the Prometheus that scrapes the services (e.g. the Prometheus Operator's), or enable the bundled one" }}
{{- end }}
{{- end }}

{{/*
botsky.bytes: a size as an integer number of bytes. Call with (list "1GiB" "iB"): the units are
B, KiB, MiB, GiB, TiB (bus.streams, "iB"), or NATS's K, KB, M, MB, G, GB, T, TB, all powers
of 1024 (nats.maxFileStore, "NATS").
*/}}
{{- define "botsky.bytes" -}}
{{- $raw := toString (index . 0) }}
{{- $units := dict "" 1 "B" 1 "KiB" 1024 "MiB" 1048576 "GiB" 1073741824 "TiB" 1099511627776 }}
{{- if eq (index . 1) "NATS" }}
{{- $units = dict "" 1 "B" 1 "K" 1024 "KB" 1024 "M" 1048576 "MB" 1048576 "G" 1073741824 "GB" 1073741824 "T" 1099511627776 "TB" 1099511627776 }}
{{- end }}
{{- $unit := regexFind "[A-Za-z]+$" $raw }}
{{- if not (hasKey $units $unit) }}{{ fail (printf "%q: not a size (a number and one of %s)" $raw (keys $units | sortAlpha | join ", ")) }}{{ end }}
{{- mul (int64 (regexFind "^[0-9]+" $raw)) (get $units $unit) }}
{{- end }}

{{/* The bytes every stream may hold together (the NATS server reserves them). */}}
{{- define "botsky.stream-bytes" -}}
{{- $total := 0 }}
{{- range $key, $limits := .Values.bus.streams }}
{{- $total = add $total (include "botsky.bytes" (list $limits.maxBytes "iB")) }}
{{- end }}
{{- $total }}
{{- end }}

{{/* Where the gateway reads its models (the ConfigMap gateway-models.yaml makes, mounted). */}}
{{- define "botsky.gateway-models-file" -}}
/etc/botsky/gateway/models.json
{{- end }}

{{/* "true" when self-service bots are on (with the gateway, or asked for), else empty. */}}
{{- define "botsky.self-service-bots" -}}
{{- with .Values.selfServiceBots }}
{{- if or .enabled (and .withGateway $.Values.gateway.enabled) }}true{{ end }}
{{- end }}
{{- end }}

{{/* The Secret holding BOTSKY_REGISTRY_SECRET, one for the gateway and bot-runner: the operator's, or the chart's own. */}}
{{- define "botsky.registry-secret" -}}
{{- default (include "botsky.component-name" (list . "registry")) .Values.selfServiceBots.existingSecret }}
{{- end }}

{{/* bot-runner's BOTSKY_GATEWAY_URL: the configured one, this release's gateway, or nothing. */}}
{{- define "botsky.gateway-url" -}}
{{- if .Values.selfServiceBots.gatewayUrl }}
{{- .Values.selfServiceBots.gatewayUrl }}
{{- else if .Values.gateway.enabled }}
{{- printf "http://%s:%v" (include "botsky.component-name" (list . "gateway")) .Values.gateway.port }}
{{- end }}
{{- end }}
