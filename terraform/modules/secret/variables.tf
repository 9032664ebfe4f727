variable "project_id" {
  description = "Project that holds the secret."
  type        = string
}

variable "secret_id" {
  description = "Secret name, e.g. covid-pool-database-url."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.secret_id))
    error_message = "secret_id may contain only letters, digits, '-' and '_' (at most 255)."
  }
}

variable "replica_locations" {
  description = "Regions that hold the secret's payload (user-managed replication). Empty: Google chooses (automatic replication)."
  type        = list(string)
  default     = []
}

variable "accessors" {
  description = <<-EOT
    Members granted roles/secretmanager.secretAccessor on this secret only, keyed by a label that is
    known at plan time (the member itself may not be), e.g. { migrator = "serviceAccount:..." }.
    Cloud Run services built with the cloud-run-service module grant their own access.
  EOT
  type        = map(string)
  default     = {}
}

variable "labels" {
  description = "Labels on the secret."
  type        = map(string)
  default     = {}
}
