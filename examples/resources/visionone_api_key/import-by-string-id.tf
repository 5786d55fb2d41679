# Import by id, or by name (id = "splunk-forwarder"). The imported key's value is null: Vision One
# shows it only once, at creation.
import {
  to = visionone_api_key.siem
  id = "3c2d5f5e-8f43-4c3e-9a3e-2f1b6c1d2e4f"
}
