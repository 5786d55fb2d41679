variable "role" {
  description = "Name of the role the integration's key gets. The role must allow API key assignment."
  type        = string
  default     = "SIEM"
}

variable "rotation_days" {
  description = "Rotate the key this many days after it was created, whatever its expiry."
  type        = number
  default     = 60
}
