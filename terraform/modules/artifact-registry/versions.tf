terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source = "hashicorp/google"
      # One provider range across all modules and roots (cloud-run-service needs 6.12 or later).
      version = "~> 6.12"
    }
  }
}
