"""Reads a Parquet file with pyarrow and prints it as JSON: schema, codecs, row groups, and the
rows (maps as [key, value] pairs in file order). With --summary, only counts and sums."""
import json
import re
import sys

import pyarrow.compute as pc
import pyarrow.parquet as pq

path = sys.argv[1]
summary = "--summary" in sys.argv[2:]
file = pq.ParquetFile(path)
meta = file.metadata
table = file.read()
out = {
    "schema": {field.name: str(field.type) for field in table.schema},
    "nullable": {field.name: field.nullable for field in table.schema},
    "numRows": meta.num_rows,
    "numRowGroups": meta.num_row_groups,
    "codecs": sorted({meta.row_group(g).column(c).compression for g in range(meta.num_row_groups) for c in range(meta.num_columns)}),
    "createdBy": meta.created_by,
    # The Parquet schema as pyarrow prints it, without what differs between writers by design:
    # the root group's name and field ids.
    "parquetSchema": re.sub(r" field_id=-?\d+", "", str(file.schema).split("\n", 1)[1].split("\n", 1)[1]),
}
if summary:
    out["sumCreationDate"] = pc.sum(table["creationDate"]).as_py()
    out["distinctUserKeys"] = pc.count_distinct(table["userKey"]).as_py()
else:
    out["rows"] = table.to_pylist()
json.dump(out, sys.stdout, ensure_ascii=False)
