"""Decrypted export and import: a neutral document, and its JSON, CSV and FHIR R4 forms."""

from normogen_client.interop.csv_format import read_csv, write_csv
from normogen_client.interop.document import (
    ExportDocument,
    ExportProfile,
    ExportRecord,
    ImportFormatError,
    collect,
)
from normogen_client.interop.fhir import from_bundle, to_bundle
from normogen_client.interop.importer import ImportReport, import_document

__all__ = [
    "ExportDocument",
    "ExportProfile",
    "ExportRecord",
    "ImportFormatError",
    "ImportReport",
    "collect",
    "from_bundle",
    "import_document",
    "read_csv",
    "to_bundle",
    "write_csv",
]
