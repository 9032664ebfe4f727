output "instance_name" {
  description = "Instance name."
  value       = google_sql_database_instance.this.name
}

output "connection_name" {
  description = "project:region:instance, for Cloud Run's Cloud SQL connection (socket /cloudsql/<connection_name>)."
  value       = google_sql_database_instance.this.connection_name
}

output "private_ip_address" {
  description = "Private IP, for DATABASE_URL over Direct VPC egress."
  value       = google_sql_database_instance.this.private_ip_address
}

output "database_name" {
  description = "Name of the database."
  value       = google_sql_database.this.name
}
