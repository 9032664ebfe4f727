# Alerts that reach a person, and one dashboard, for one environment. Everything is emailed to
# var.alert_emails; each policy's documentation says what it means and what to do first (the longer
# version, per alert, is docs/operations.md).
#
# What is watched:
#   - job runs recorded as failed or refused (log-based metric on the apps' `job_finished` events)
#     and jobs that threw (`job_failed`), by app and job;
#   - each scheduled job's absence: no successful run within twice its period (a dead-man's switch,
#     dispatch-outbox included), one policy per job of var.jobs;
#   - Cloud Scheduler attempts that failed (the service could not be reached, refused the token,
#     answered 5xx or timed out);
#   - per Cloud Run service: 5xx ratio, p95 latency, and an authenticated uptime check on /healthz;
#   - Cloud Tasks: queue depth and the delay between a task's due time and its attempt;
#   - Cloud SQL: CPU, disk, connections.

locals {
  channels = [for channel in google_monitoring_notification_channel.email : channel.id]
  prefix   = "[${var.environment}]"

  database_filter = "resource.type=\"cloudsql_database\" AND resource.label.database_id=\"${var.project_id}:${var.database_instance}\""
  run_selector    = "monitored_resource=\"cloud_run_revision\",location=\"${var.region}\""

  # The documentation's link to the runbook; a policy's own text says the first steps.
  runbook = "Runbook: docs/operations.md in the platform repository."
}

resource "google_monitoring_notification_channel" "email" {
  for_each = toset(var.alert_emails)

  project      = var.project_id
  display_name = "${local.prefix} alerts to ${each.value}"
  type         = "email"
  labels = {
    email_address = each.value
  }
}

# --- log-based metrics: the apps' structured job events (libs/jobs, job-runner.service.ts) -------
# A line looks like {"severity":"INFO","app":"covid-pool","event":"job_finished","job":"import-all",
# "status":"succeeded","dryRun":false,...}; libs/jobs/src/job-events.spec.ts checks these fields.

resource "google_logging_metric" "job_runs" {
  project     = var.project_id
  name        = "job_runs"
  description = "Finished job runs (event job_finished), by app, job and status (succeeded, failed, refused)."
  filter      = "resource.type=\"cloud_run_revision\" AND jsonPayload.event=\"job_finished\""

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "Job runs"

    labels {
      key         = "app"
      value_type  = "STRING"
      description = "The app (apps/manifest.json name)."
    }
    labels {
      key         = "job_name"
      value_type  = "STRING"
      description = "The job."
    }
    labels {
      key         = "status"
      value_type  = "STRING"
      description = "succeeded, failed or refused."
    }
  }

  label_extractors = {
    app      = "EXTRACT(jsonPayload.app)"
    job_name = "EXTRACT(jsonPayload.job)"
    status   = "EXTRACT(jsonPayload.status)"
  }
}

resource "google_logging_metric" "job_errors" {
  project     = var.project_id
  name        = "job_errors"
  description = "Job runs that threw (event job_failed: an exception, recorded as failed), by app and job."
  filter      = "resource.type=\"cloud_run_revision\" AND jsonPayload.event=\"job_failed\""

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "Job errors"

    labels {
      key         = "app"
      value_type  = "STRING"
      description = "The app."
    }
    labels {
      key         = "job_name"
      value_type  = "STRING"
      description = "The job."
    }
  }

  label_extractors = {
    app      = "EXTRACT(jsonPayload.app)"
    job_name = "EXTRACT(jsonPayload.job)"
  }
}

# Cloud Scheduler logs each attempt; a failed one (target unreachable, 401/403, 5xx, deadline) is
# logged with severity ERROR under the job's own resource (resource.label.job_id). A 409 is left
# out: the app's answer when a run of that job is still going, harmless (docs/operations.md); the
# next attempt runs it. Entries without an HTTP status (unreachable, deadline) still count.
resource "google_logging_metric" "scheduler_failures" {
  project     = var.project_id
  name        = "scheduler_failed_attempts"
  description = "Cloud Scheduler attempts that failed, by Scheduler job (resource.label.job_id); 409 (a run still going) left out."
  filter      = "resource.type=\"cloud_scheduler_job\" AND severity>=ERROR AND NOT httpRequest.status=409"

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "Scheduler failed attempts"
  }
}

# A new log-based metric can take up to ten minutes before Cloud Monitoring accepts an alert policy
# that names it (terraform-provider-google #10325, #11102): the first apply would fail on the
# policies below. They wait for this, on create only (and again when a metric is re-created).
resource "time_sleep" "log_metrics" {
  create_duration = var.log_metric_wait
  triggers = {
    job_runs           = google_logging_metric.job_runs.id
    job_errors         = google_logging_metric.job_errors.id
    scheduler_failures = google_logging_metric.scheduler_failures.id
  }
}

locals {
  # The job_runs metric as PromQL names it: logging.googleapis.com/user/<name>, `.`, `/`, `-` as `_`.
  job_runs_promql = "logging_googleapis_com:user_${replace(google_logging_metric.job_runs.name, "/[./-]/", "_")}"
}

# --- jobs -------------------------------------------------------------------------------------

resource "google_monitoring_alert_policy" "job_failed" {
  project               = var.project_id
  display_name          = "${local.prefix} Job run failed or refused"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.channels

  conditions {
    display_name = "Job run ended failed or refused"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.job_runs.name}\" AND resource.type=\"cloud_run_revision\" AND metric.label.status!=\"succeeded\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.app", "metric.label.job_name", "metric.label.status"]
      }
      trigger {
        count = 1
      }
    }
  }

  conditions {
    display_name = "Job threw an exception"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.job_errors.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.app", "metric.label.job_name"]
      }
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    # Only labels both conditions group by: the job_errors condition has no status label, so
    # $${metric.label.status} would be empty in its incidents. The status is in the incident's
    # metric labels (job_runs condition) and in GET /runs.
    subject = "${local.prefix} $${metric.label.app} $${metric.label.job_name}: run failed, refused or threw"
    content = <<-EOT
      A run of **$${metric.label.app}**'s job **$${metric.label.job_name}** ended failed or refused,
      or threw (the incident's condition says which; its `status` label, for a run that ended, says
      failed or refused).

      - *refused*: a safety limit stopped a real run before it changed anything (too many changes,
        an empty source). Read the run (`GET /runs?job=<job>` on the app, or the app's run email), check
        the source system; if the change is right, approve it: `POST /runs/<id>/approve` (operator).
      - *failed*: the run's error is in `GET /runs/<id>` and in the logs (`jsonPayload.runId`). A
        source system down fails the run; the next scheduled run retries. Run it by hand once fixed.

      ${local.runbook} ("Job run failed or refused").
    EOT
  }

  depends_on = [time_sleep.log_metrics]
}

resource "google_monitoring_alert_policy" "job_absent" {
  for_each = var.jobs

  project               = var.project_id
  display_name          = "${local.prefix} No successful ${each.value.app} ${each.value.job} run in ${each.value.absence_minutes} min"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.channels

  conditions {
    display_name = "No successful ${each.value.app}/${each.value.job} run in ${each.value.absence_minutes} minutes"
    condition_prometheus_query_language {
      # Successful runs within the window; `or vector(0)` makes "never ran at all" a 0, not nothing.
      query               = "(sum(increase(${local.job_runs_promql}{monitored_resource=\"cloud_run_revision\",app=\"${each.value.app}\",job_name=\"${each.value.job}\",status=\"succeeded\"}[${each.value.absence_minutes}m])) or vector(0)) < 1"
      duration            = "0s"
      evaluation_interval = "60s"
      # Checked against existing metrics at create time otherwise; time_sleep.log_metrics covers
      # the threshold conditions, this the PromQL one (a metric with no data yet is valid).
      disable_metric_validation = true
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "${local.prefix} ${each.value.app} ${each.value.job}: no successful run in ${each.value.absence_minutes} min"
    content   = <<-EOT
      **${each.value.app}**'s job **${each.value.job}** (schedule `${each.value.schedule}`, Europe/London)
      has had no successful run for ${each.value.absence_minutes} minutes, twice its period. Either it
      is not running at all (Scheduler paused or failing to reach the service, the service down, the
      run stuck) or every run fails or is refused.

      First steps: Cloud Scheduler job `${each.value.app}-${each.value.job}` (last attempt's result);
      the app's `GET /runs?job=${each.value.job}`; the service's logs. Run it by hand once the cause is
      fixed: `gcloud scheduler jobs run ${each.value.app}-${each.value.job} --location ${var.region}`.
      ${each.value.job == "dispatch-outbox" ? "While dispatch-outbox is down **no email leaves this app**, including its own failure reports: after the fix, check for messages marked dead (docs/operations.md, \"Replay the outbox\")." : ""}

      ${local.runbook} ("No successful run").
    EOT
  }

  depends_on = [time_sleep.log_metrics]
}

resource "google_monitoring_alert_policy" "scheduler_failed" {
  project               = var.project_id
  display_name          = "${local.prefix} Cloud Scheduler attempt failed"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.channels

  conditions {
    display_name = "Scheduler attempt failed"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.scheduler_failures.name}\" AND resource.type=\"cloud_scheduler_job\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.job_id"]
      }
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "${local.prefix} Scheduler job $${resource.label.job_id} failed"
    content   = <<-EOT
      Cloud Scheduler could not complete a call of **$${resource.label.job_id}** (`<app>-<job>`): the
      service answered 401/403 (the scheduler account lost run.invoker, or JOB_ALLOWED_EMAILS changed),
      5xx (the run failed: see the job alerts), or did not answer before the attempt deadline. (A 409,
      a run of that job still going, is harmless and does not raise this alert.)

      First steps: the Scheduler job's logs (`resource.type="cloud_scheduler_job"`) for the status;
      the service's logs at that time. ${local.runbook} ("Scheduler attempt failed").
    EOT
  }

  depends_on = [time_sleep.log_metrics]
}

# --- Cloud Run services ----------------------------------------------------------------------

resource "google_monitoring_alert_policy" "service_errors" {
  for_each = var.services

  project               = var.project_id
  display_name          = "${local.prefix} ${each.key}: 5xx above ${var.thresholds.error_percent}%"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.channels

  conditions {
    display_name = "${each.key} 5xx ratio"
    condition_prometheus_query_language {
      query               = <<-EOT
        (
          sum(rate(run_googleapis_com:request_count{${local.run_selector},service_name="${each.key}",response_code_class="5xx"}[5m]))
          / sum(rate(run_googleapis_com:request_count{${local.run_selector},service_name="${each.key}"}[5m]))
        ) * 100 > ${var.thresholds.error_percent}
        and sum(increase(run_googleapis_com:request_count{${local.run_selector},service_name="${each.key}"}[5m])) >= ${var.thresholds.min_requests}
      EOT
      duration            = "300s"
      evaluation_interval = "60s"
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "${local.prefix} ${each.key}: many 5xx responses"
    content   = <<-EOT
      More than ${var.thresholds.error_percent}% of **${each.key}**'s responses were 5xx for 5 minutes
      (with at least ${var.thresholds.min_requests} requests in 5 minutes).

      First steps: the service's logs (severity ERROR; a busy database's 503s are WARNING, event
      database_busy); a new revision? roll back
      (`rollback-production` in CI, or `gcloud run services update-traffic ${each.key} --to-revisions <previous>=100`);
      503 with `Retry-After` means a dependency (database, upstream system) is down. ${local.runbook} ("5xx").
    EOT
  }
}

resource "google_monitoring_alert_policy" "service_latency" {
  for_each = var.services

  project               = var.project_id
  display_name          = "${local.prefix} ${each.key}: p95 latency above ${lookup(var.thresholds.latency_p95_ms_by_service, each.key, var.thresholds.latency_p95_ms)} ms"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.channels

  conditions {
    display_name = "${each.key} p95 latency"
    condition_prometheus_query_language {
      # Job calls are long by design and few: the request floor keeps them from tripping this alone.
      query               = <<-EOT
        histogram_quantile(0.95, sum by (le) (rate(run_googleapis_com:request_latencies_bucket{${local.run_selector},service_name="${each.key}"}[5m])))
          > ${lookup(var.thresholds.latency_p95_ms_by_service, each.key, var.thresholds.latency_p95_ms)}
        and sum(increase(run_googleapis_com:request_count{${local.run_selector},service_name="${each.key}"}[5m])) >= ${var.thresholds.min_requests}
      EOT
      duration            = "600s"
      evaluation_interval = "60s"
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "${local.prefix} ${each.key}: slow responses"
    content   = <<-EOT
      **${each.key}**'s 95th percentile latency stayed above the threshold for 10 minutes.

      First steps: the dashboard (database CPU and connections; instance count at its maximum?); the
      upstream system's health (cufs-api: CUFS; storage-gateway: cufs-api and the storage backend). ${local.runbook} ("Latency").
    EOT
  }
}

# Uptime: GET /healthz with an OIDC token of the Monitoring service agent (run.invoker is granted to
# it on each service by modules/platform), from several regions every 5 minutes.
resource "google_monitoring_uptime_check_config" "healthz" {
  for_each = var.services

  project      = var.project_id
  display_name = "${local.prefix} ${each.key} /healthz"
  timeout      = "10s"
  period       = "300s"

  http_check {
    path           = "/healthz"
    port           = 443
    use_ssl        = true
    validate_ssl   = true
    request_method = "GET"

    accepted_response_status_codes {
      status_class = "STATUS_CLASS_2XX"
    }

    service_agent_authentication {
      type = "OIDC_TOKEN"
    }
  }

  # The service's own URL (uptime_url: the resource types an uptime check may target do not
  # include Cloud Run revisions in the provider's list).
  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project_id
      host       = trimsuffix(trimprefix(each.value, "https://"), "/")
    }
  }
}

resource "google_monitoring_alert_policy" "uptime" {
  for_each = var.services

  project               = var.project_id
  display_name          = "${local.prefix} ${each.key}: /healthz failing"
  combiner              = "OR"
  severity              = "CRITICAL"
  notification_channels = local.channels

  conditions {
    display_name = "${each.key} /healthz fails from more than one region"
    condition_threshold {
      filter          = "metric.type=\"monitoring.googleapis.com/uptime_check/check_passed\" AND resource.type=\"uptime_url\" AND metric.label.check_id=\"${google_monitoring_uptime_check_config.healthz[each.key].uptime_check_id}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 1
      duration        = "600s"
      aggregations {
        alignment_period     = "1200s"
        per_series_aligner   = "ALIGN_NEXT_OLDER"
        cross_series_reducer = "REDUCE_COUNT_FALSE"
        group_by_fields      = ["metric.label.check_id"]
      }
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "${local.prefix} ${each.key} is not answering /healthz"
    content   = <<-EOT
      **${each.key}** has not answered `GET /healthz` with 2xx from more than one checker region for 10
      minutes: its revision fails to start (a missing secret version, a bad setting: the revision's logs
      name it), or the service is down. Its Scheduler jobs fail too.

      First steps: Cloud Run > ${each.key} > Revisions (the latest revision's status and logs); roll back
      to the last good revision if the latest is new. ${local.runbook} ("/healthz failing").
    EOT
  }
}

# --- Cloud Tasks -------------------------------------------------------------------------------
# Cloud Monitoring has no "age of the oldest task" metric: depth (tasks waiting, retries included)
# and the delay between a task's due time and its attempt (dispatch backlog) stand in for it.

resource "google_monitoring_alert_policy" "queue" {
  for_each = toset(var.task_queues)

  project               = var.project_id
  display_name          = "${local.prefix} Cloud Tasks queue ${each.key} backing up"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.channels

  conditions {
    display_name = "${each.key}: more than ${var.thresholds.queue_depth} tasks for 30 minutes"
    condition_threshold {
      filter          = "metric.type=\"cloudtasks.googleapis.com/queue/depth\" AND resource.type=\"cloud_tasks_queue\" AND resource.label.queue_id=\"${each.key}\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.thresholds.queue_depth
      duration        = "1800s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MEAN"
      }
      trigger {
        count = 1
      }
    }
  }

  conditions {
    display_name = "${each.key}: tasks attempted more than ${var.thresholds.queue_delay_ms / 60000} minutes late"
    condition_threshold {
      filter          = "metric.type=\"cloudtasks.googleapis.com/queue/task_attempt_delays\" AND resource.type=\"cloud_tasks_queue\" AND resource.label.queue_id=\"${each.key}\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.thresholds.queue_delay_ms
      duration        = "600s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_PERCENTILE_99"
        cross_series_reducer = "REDUCE_MAX"
        group_by_fields      = ["resource.label.queue_id"]
      }
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "${local.prefix} queue ${each.key} is backing up"
    content   = <<-EOT
      Tasks in **${each.key}** are piling up or are attempted long after they are due: the service
      answers them with errors (each is retried with backoff), or the queue is paused or rate-limited.

      First steps: `gcloud tasks queues describe ${each.key} --location ${var.region}` (state, rate
      limits); the service's logs for `/tasks/` requests. ${local.runbook} ("Queue backing up").
    EOT
  }
}

# --- Cloud SQL ----------------------------------------------------------------------------------

resource "google_monitoring_alert_policy" "database" {
  project               = var.project_id
  display_name          = "${local.prefix} Cloud SQL ${var.database_instance}: CPU, disk or connections high"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.channels

  conditions {
    display_name = "CPU above ${var.thresholds.database_cpu_percent}% for 15 minutes"
    condition_threshold {
      filter          = "metric.type=\"cloudsql.googleapis.com/database/cpu/utilization\" AND ${local.database_filter}"
      comparison      = "COMPARISON_GT"
      threshold_value = var.thresholds.database_cpu_percent / 100
      duration        = "900s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MEAN"
      }
      trigger {
        count = 1
      }
    }
  }

  conditions {
    display_name = "Disk above ${var.thresholds.database_disk_percent}%"
    condition_threshold {
      filter          = "metric.type=\"cloudsql.googleapis.com/database/disk/utilization\" AND ${local.database_filter}"
      comparison      = "COMPARISON_GT"
      threshold_value = var.thresholds.database_disk_percent / 100
      duration        = "900s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MEAN"
      }
      trigger {
        count = 1
      }
    }
  }

  conditions {
    display_name = "More than ${var.thresholds.database_connections} connections"
    condition_threshold {
      filter          = "metric.type=\"cloudsql.googleapis.com/database/postgresql/num_backends\" AND ${local.database_filter}"
      comparison      = "COMPARISON_GT"
      threshold_value = var.thresholds.database_connections
      duration        = "300s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_MEAN"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.database_id"]
      }
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "${local.prefix} Cloud SQL ${var.database_instance} under pressure"
    content   = <<-EOT
      The shared database **${var.database_instance}** is under pressure (the condition's name says which).

      - CPU: Query Insights (Cloud SQL > ${var.database_instance} > Query insights) for the heaviest
        queries and the app that runs them; a long job run is often it.
      - Disk: it grows by itself (Terraform ignores its size); check what grew (tables, WAL) if it is
        unexpected.
      - Connections: instances x DATABASE_POOL_SIZE (5) over all apps must stay below max_connections;
        lower an app's max_instances or raise the tier.

      ${local.runbook} ("Cloud SQL").
    EOT
  }
}
