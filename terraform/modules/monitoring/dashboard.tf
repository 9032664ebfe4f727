# One dashboard per environment: runs per app and job by status, request rate, errors and latency
# per service, queue depth, database load. PromQL throughout (the same queries the alerts use).

locals {
  tiles = [
    { title = "Job runs by app, job and status (per hour)", query = "sum by (app, job_name, status) (increase(logging_googleapis_com:user_job_runs{monitored_resource=\"cloud_run_revision\"}[1h]))" },
    { title = "Jobs that threw (per hour)", query = "sum by (app, job_name) (increase(logging_googleapis_com:user_job_errors{monitored_resource=\"cloud_run_revision\"}[1h]))" },
    { title = "Scheduler failed attempts (per hour)", query = "sum by (job_id) (increase(logging_googleapis_com:user_scheduler_failed_attempts{monitored_resource=\"cloud_scheduler_job\"}[1h]))" },
    { title = "Requests per second by service", query = "sum by (service_name) (rate(run_googleapis_com:request_count{${local.run_selector}}[5m]))" },
    { title = "5xx per second by service", query = "sum by (service_name) (rate(run_googleapis_com:request_count{${local.run_selector},response_code_class=\"5xx\"}[5m]))" },
    { title = "p95 latency by service (ms)", query = "histogram_quantile(0.95, sum by (service_name, le) (rate(run_googleapis_com:request_latencies_bucket{${local.run_selector}}[5m])))" },
    { title = "Instances by service", query = "sum by (service_name) (run_googleapis_com:container_instance_count{${local.run_selector}})" },
    { title = "Cloud Tasks queue depth", query = "sum by (queue_id) (cloudtasks_googleapis_com:queue_depth{monitored_resource=\"cloud_tasks_queue\"})" },
    { title = "Cloud SQL CPU utilization", query = "avg(cloudsql_googleapis_com:database_cpu_utilization{monitored_resource=\"cloudsql_database\",database_id=\"${var.project_id}:${var.database_instance}\"})" },
    { title = "Cloud SQL connections", query = "sum(cloudsql_googleapis_com:database_postgresql_num_backends{monitored_resource=\"cloudsql_database\",database_id=\"${var.project_id}:${var.database_instance}\"})" },
    { title = "Cloud SQL disk utilization", query = "avg(cloudsql_googleapis_com:database_disk_utilization{monitored_resource=\"cloudsql_database\",database_id=\"${var.project_id}:${var.database_instance}\"})" },
  ]
}

resource "google_monitoring_dashboard" "this" {
  project = var.project_id
  dashboard_json = jsonencode({
    displayName = "${local.prefix} University Services Platform"
    mosaicLayout = {
      columns = 48
      tiles = [
        for index, tile in local.tiles : {
          xPos   = (index % 2) * 24
          yPos   = floor(index / 2) * 16
          width  = 24
          height = 16
          widget = {
            title = tile.title
            xyChart = {
              dataSets = [{
                plotType        = "LINE"
                timeSeriesQuery = { prometheusQuery = tile.query }
              }]
            }
          }
        }
      ]
    }
  })
}
