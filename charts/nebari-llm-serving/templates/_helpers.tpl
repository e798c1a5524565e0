{{/* Names: every object name of the chart is derived here, so templates and tests agree on them. */}}

{{- define "nebari-llm-serving.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified base name, at most 63 characters minus room for the "-operator-keys" style suffixes. */}}
{{- define "nebari-llm-serving.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 48 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 48 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 48 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "nebari-llm-serving.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "nebari-llm-serving.labels" -}}
helm.sh/chart: {{ include "nebari-llm-serving.chart" . }}
{{ include "nebari-llm-serving.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: nebari-llm-serving
{{- end }}

{{- define "nebari-llm-serving.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nebari-llm-serving.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The chart's labels plus more (a Prometheus selector's, a Grafana sidecar's); the chart's win. (dict "root" $ "extra" map) */}}
{{- define "nebari-llm-serving.labelsWith" -}}
{{- $own := include "nebari-llm-serving.labels" .root | fromYaml }}
{{- toYaml (merge $own (deepCopy (default (dict) .extra))) }}
{{- end }}

{{/* The scrape endpoint of a ServiceMonitor or PodMonitor: the management port's Prometheus endpoint. */}}
{{- define "nebari-llm-serving.scrapeEndpoint" -}}
- port: management
  path: /actuator/prometheus
{{- with .Values.metrics.interval }}
  interval: {{ . }}
{{- end }}
{{- end }}

{{/* Labels of one workload; call with (dict "root" $ "component" "operator"). */}}
{{- define "nebari-llm-serving.componentLabels" -}}
{{ include "nebari-llm-serving.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Labels of one workload's pods: podLabels, then the chart's own, which win (selectors depend on them). */}}
{{- define "nebari-llm-serving.podLabels" -}}
{{- $own := include "nebari-llm-serving.componentLabels" . | fromYaml }}
{{- toYaml (merge $own (deepCopy .root.Values.podLabels)) }}
{{- end }}

{{/* imagePullSecrets of a pod of the pack, from the list of Secret names; nothing when the list is empty. */}}
{{- define "nebari-llm-serving.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets -}}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}

{{- define "nebari-llm-serving.componentSelectorLabels" -}}
{{ include "nebari-llm-serving.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* The component whose pods run the operator profile (reconciler + webhook). */}}
{{- define "nebari-llm-serving.operatorComponent" -}}
{{- if .Values.combined }}combined{{ else }}operator{{ end }}
{{- end }}

{{/* The component whose pods run the portal profile (web UI + REST API). */}}
{{- define "nebari-llm-serving.portalComponent" -}}
{{- if .Values.combined }}combined{{ else }}portal{{ end }}
{{- end }}

{{/* The Deployments' components, as a YAML list: combined, or operator and (with the key manager) portal. */}}
{{- define "nebari-llm-serving.components" -}}
{{- if .Values.combined }}
{{- list "combined" | toYaml }}
{{- else if .Values.keyManager.enabled }}
{{- list "operator" "portal" | toYaml }}
{{- else }}
{{- list "operator" | toYaml }}
{{- end }}
{{- end }}

{{/* The management port (metrics, health) of one component's pods; call with (dict "root" $ "component" "operator"). */}}
{{- define "nebari-llm-serving.metricsServiceName" -}}
{{- printf "%s-%s-metrics" (include "nebari-llm-serving.fullname" .root) .component }}
{{- end }}

{{- define "nebari-llm-serving.operatorServiceAccountName" -}}
{{- default (printf "%s-operator" (include "nebari-llm-serving.fullname" .)) .Values.serviceAccount.operator.name }}
{{- end }}

{{/* In combined mode the one Deployment runs as the operator's ServiceAccount, which is given the portal's roles too. */}}
{{- define "nebari-llm-serving.portalServiceAccountName" -}}
{{- if .Values.combined }}
{{- include "nebari-llm-serving.operatorServiceAccountName" . }}
{{- else }}
{{- default (printf "%s-portal" (include "nebari-llm-serving.fullname" .)) .Values.serviceAccount.portal.name }}
{{- end }}
{{- end }}

{{- define "nebari-llm-serving.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "nebari-llm-serving.configMapName" -}}
{{- printf "%s-config" (include "nebari-llm-serving.fullname" .) }}
{{- end }}

{{- define "nebari-llm-serving.portalServiceName" -}}
{{- printf "%s-portal" (include "nebari-llm-serving.fullname" .) }}
{{- end }}

{{- define "nebari-llm-serving.webhookServiceName" -}}
{{- printf "%s-webhook" (include "nebari-llm-serving.fullname" .) }}
{{- end }}

{{/*
Cluster-scoped, so it carries the namespace: two releases of the same name in different namespaces must not collide.
(helm lint renders without a namespace, hence compact.)
*/}}
{{- define "nebari-llm-serving.webhookConfigurationName" -}}
{{- list (include "nebari-llm-serving.fullname" .) .Release.Namespace "llm.nebari.dev" | compact | join "." }}
{{- end }}

{{- define "nebari-llm-serving.webhookCertSecretName" -}}
{{- printf "%s-webhook-cert" (include "nebari-llm-serving.fullname" .) }}
{{- end }}

{{- define "nebari-llm-serving.webhookPath" -}}
/validate-llm-nebari-dev-v1alpha1-llmmodel
{{- end }}

{{- define "nebari-llm-serving.operatorLeaseName" -}}
{{- printf "%s-operator" (include "nebari-llm-serving.fullname" .) }}
{{- end }}

{{- define "nebari-llm-serving.portalLeaseName" -}}
{{- printf "%s-portal" (include "nebari-llm-serving.fullname" .) }}
{{- end }}

{{- define "nebari-llm-serving.nebariAppName" -}}
{{- printf "%s-keys" (include "nebari-llm-serving.fullname" .) }}
{{- end }}

{{- define "nebari-llm-serving.keyManagerHostname" -}}
{{- default (printf "llm-keys.%s" (include "nebari-llm-serving.baseDomain" .)) .Values.keyManager.hostname }}
{{- end }}

{{/*
The Secret holding the portal's OIDC client (and issuer): the configured name, else the one nebari-operator creates
for the NebariApp (<name>-oidc-client), else none.
*/}}
{{- define "nebari-llm-serving.oidcSecretName" -}}
{{- if .Values.auth.oidc.nebariAppSecretName }}
{{- .Values.auth.oidc.nebariAppSecretName }}
{{- else if .Values.keyManager.enabled }}
{{- printf "%s-oidc-client" (include "nebari-llm-serving.nebariAppName" .) }}
{{- end }}
{{- end }}

{{- define "nebari-llm-serving.baseDomain" -}}
{{- required "platform.baseDomain is required: set it to the DNS domain models are served under, e.g. --set platform.baseDomain=nebari.example.com" .Values.platform.baseDomain }}
{{- end }}
