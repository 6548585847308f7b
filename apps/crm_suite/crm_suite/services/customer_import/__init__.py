"""Customer import from Excel (SPEC CUS-07), one module per step:

- `template`: the columns (from the meta, Custom Fields included) and the Excel template;
- `sheet`: reading the uploaded .xlsx, mapping its columns, the row limit;
- `checks`: links, assignable owners, owned limits, duplicates; the problems' messages;
- `writer`: names from the naming series, sanitised values, the bulk write (services/bulk.py);
- `job`: the background job of a Customer Import Batch, its progress, counts and error report.
"""
