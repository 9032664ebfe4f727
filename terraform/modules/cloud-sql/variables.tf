variable "project_id" {
  description = "Project of the instance."
  type        = string
}

variable "region" {
  description = "Region of the instance (same as the Cloud Run services)."
  type        = string
}

variable "name" {
  description = "Instance name. A deleted instance's name cannot be reused for about a week."
  type        = string
}

variable "database_name" {
  description = "The one database; each app has its own Postgres schema in it, plus `platform`."
  type        = string
  default     = "platform"
}

variable "tier" {
  description = "Machine tier, e.g. db-g1-small (shared core) or db-custom-2-7680 (2 vCPU, 7.5 GB)."
  type        = string
  default     = "db-custom-1-3840"
}

variable "availability_type" {
  description = "ZONAL, or REGIONAL for a standby in a second zone with automatic failover."
  type        = string
  default     = "ZONAL"

  validation {
    condition     = contains(["ZONAL", "REGIONAL"], var.availability_type)
    error_message = "availability_type must be ZONAL or REGIONAL."
  }
}

variable "disk_size_gb" {
  description = "Initial SSD size; grows automatically."
  type        = number
  default     = 10
}

variable "private_network" {
  description = "VPC network id (projects/<p>/global/networks/<n>) with private services access, for a private IP. Pass the network module's private_services_network so the peering exists first."
  type        = string
  default     = null
}

variable "public_ip" {
  description = "Give the instance a public IP as well. Off by default; with it on and no authorized networks, only the Cloud SQL connectors (IAM-checked) can connect."
  type        = bool
  default     = false
}

variable "ssl_mode" {
  description = "ENCRYPTED_ONLY refuses unencrypted connections (Cloud SQL connector connections are always encrypted)."
  type        = string
  default     = "ENCRYPTED_ONLY"
}

variable "backup_start_time" {
  description = "Start of the daily backup window, HH:MM in UTC."
  type        = string
  default     = "02:00"
}

variable "retained_backups" {
  description = "Number of daily backups kept."
  type        = number
  default     = 14
}

variable "point_in_time_recovery" {
  description = "Keep write-ahead logs for point-in-time recovery."
  type        = bool
  default     = true
}

variable "transaction_log_retention_days" {
  description = "Days of write-ahead log kept for point-in-time recovery (1-7)."
  type        = number
  default     = 7
}

variable "maintenance_day" {
  description = "Day of the maintenance window, 1 (Monday) to 7 (Sunday)."
  type        = number
  default     = 7
}

variable "maintenance_hour" {
  description = "Hour (UTC) of the maintenance window."
  type        = number
  default     = 3
}

variable "database_flags" {
  description = "Postgres flags, e.g. { log_min_duration_statement = \"1000\" }."
  type        = map(string)
  default     = {}
}

variable "deletion_protection" {
  description = "Refuse deletion, both in Terraform and in the Cloud SQL API."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels on the instance."
  type        = map(string)
  default     = {}
}
