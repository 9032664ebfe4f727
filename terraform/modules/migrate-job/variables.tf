variable "project_id" {
  description = "Project of the job."
  type        = string
}

variable "region" {
  description = "Region of the job."
  type        = string
}

variable "name" {
  description = "Job name; also names its service account."
  type        = string
  default     = "db-migrate"
}

variable "image" {
  description = "Initial image (any app image: each carries prisma/migrations and scripts/db-migrate.mjs). CI sets the image of each release before executing the job; Terraform does not revert it."
  type        = string
}

variable "database_url_secret" {
  description = "Secret (projects/<p>/secrets/<id>) holding the DATABASE_URL of the role that owns the schemas. The job's service account is granted access to it alone."
  type        = string
}

variable "env" {
  description = "Extra plain environment variables."
  type        = map(string)
  default     = {}
}

variable "cloud_sql_instances" {
  description = "Cloud SQL connection names mounted under /cloudsql."
  type        = list(string)
  default     = []
}

variable "vpc_access" {
  description = "Direct VPC egress, as for the services. null: none."
  type = object({
    network    = string
    subnetwork = string
    egress     = optional(string, "PRIVATE_RANGES_ONLY")
  })
  default = null
}

variable "timeout_seconds" {
  description = "Time limit of one run."
  type        = number
  default     = 600
}

variable "labels" {
  description = "Labels on the job."
  type        = map(string)
  default     = {}
}

variable "deletion_protection" {
  description = "Refuse `terraform destroy` of the job."
  type        = bool
  default     = true
}

variable "deployer_member" {
  description = "IAM member of CI's deployer (serviceAccount:<email>): gets roles/iam.serviceAccountUser on the job's account, before the job is created. null: granted by hand."
  type        = string
  default     = null
}

variable "iam_propagation_wait" {
  description = "How long the job waits, on create only, after the deployer's binding (IAM changes take up to a few minutes to apply)."
  type        = string
  default     = "120s"
}
