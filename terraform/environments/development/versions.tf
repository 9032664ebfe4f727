terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.12"
    }
  }

  # Shared state in a GCS bucket (created once by hand, versioned; see terraform/README.md).
  # Uncomment before the first apply that anyone else, or CI, will build on:
  # backend "gcs" {
  #   bucket = "<state bucket>"
  #   prefix = "university-services/development"
  # }
}

provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = {
    environment = "development"
    managed-by  = "terraform"
  }
}
