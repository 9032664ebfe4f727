# A Cloud Tasks queue with rate limits and retries, and the IAM to enqueue into it.

resource "google_cloud_tasks_queue" "this" {
  project  = var.project_id
  location = var.region
  name     = var.name

  rate_limits {
    max_dispatches_per_second = var.max_dispatches_per_second
    max_concurrent_dispatches = var.max_concurrent_dispatches
  }

  retry_config {
    max_attempts       = var.max_attempts
    max_retry_duration = var.max_retry_duration
    min_backoff        = var.min_backoff
    max_backoff        = var.max_backoff
    max_doublings      = var.max_doublings
  }

  stackdriver_logging_config {
    sampling_ratio = var.log_sampling_ratio
  }
}

resource "google_cloud_tasks_queue_iam_member" "enqueuer" {
  for_each = var.enqueuers

  project  = var.project_id
  location = var.region
  name     = google_cloud_tasks_queue.this.name
  role     = "roles/cloudtasks.enqueuer"
  member   = each.value
}

resource "google_service_account_iam_member" "enqueuer_acts_as_task_identity" {
  for_each = var.task_service_account_id == null ? {} : var.enqueuers

  service_account_id = var.task_service_account_id
  role               = "roles/iam.serviceAccountUser"
  member             = each.value
}
