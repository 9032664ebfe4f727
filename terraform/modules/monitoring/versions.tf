terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source = "hashicorp/google"
      # One provider range across all modules and roots (cloud-run-service needs 6.12 or later).
      version = "~> 6.12"
    }
    # time_sleep: the alert policies wait for new log-based metrics.
    time = {
      source  = "hashicorp/time"
      version = "~> 0.13"
    }
  }
}
