terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.12"
    }
  }

  # Partial configuration: `terraform init -backend-config=bucket=<state bucket>` (prefix below).
  backend "gcs" {
    prefix = "university-services/registry"
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
