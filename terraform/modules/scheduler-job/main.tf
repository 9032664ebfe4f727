# A Cloud Scheduler job that calls a Cloud Run endpoint with a Google-signed OIDC ID token. Cloud
# Run checks the token (signature, audience = the service URL, run.invoker of the service account)
# before the request reaches the app.

resource "google_cloud_scheduler_job" "this" {
  project          = var.project_id
  region           = var.region
  name             = var.name
  description      = var.description
  schedule         = var.schedule
  time_zone        = var.time_zone
  attempt_deadline = var.attempt_deadline
  paused           = var.paused

  retry_config {
    retry_count          = var.retry_count
    min_backoff_duration = var.min_backoff_duration
    max_backoff_duration = var.max_backoff_duration
    max_doublings        = var.max_doublings
    max_retry_duration   = var.max_retry_duration
  }

  http_target {
    http_method = var.http_method
    uri         = var.uri
    body        = var.body == null ? null : base64encode(var.body)
    headers     = var.headers

    oidc_token {
      service_account_email = var.service_account_email
      audience              = var.audience
    }
  }
}
