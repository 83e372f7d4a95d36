"""FHIR R4: a `collection` Bundle of Patient, Observation, MedicationStatement,
MedicationAdministration, Appointment and DocumentReference (notes) resources, and back.

Mapping (docs/records.md gives the LOINC codes and UCUM units):

- profile → `Patient` (name; `birthDate` from metadata `birth_date`);
- `health_data` → vital-signs `Observation` (blood pressure: panel 85354-9 with systolic and
  diastolic components, pulse as a third); `lab_result` → laboratory `Observation` with the
  LOINC coding when known, `referenceRange` and `interpretation` (v3 codes N/L/H/LL/HH/A);
- `medication` → `MedicationStatement` (dosage timing from the schedule); `medication_dose` →
  `MedicationAdministration` (`completed` / `not-done`, `supportingInformation` → statement);
- `appointment` → `Appointment`; `note` → `DocumentReference` (text/plain attachment).

Every resource also carries the exact Normogen record (extension `urn:normogen:record`), so a
Normogen → FHIR → Normogen trip loses nothing; bundles from other systems import through the
mapping alone.
"""

from normogen_client.interop.fhir_reader import from_bundle
from normogen_client.interop.fhir_writer import PROFILE_EXTENSION, RECORD_EXTENSION, to_bundle

__all__ = ["PROFILE_EXTENSION", "RECORD_EXTENSION", "from_bundle", "to_bundle"]
