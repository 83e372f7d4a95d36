"""Decrypted export and import: a neutral document, and its JSON, CSV and FHIR R4 forms."""
