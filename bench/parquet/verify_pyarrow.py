"""Reads a Parquet file with pyarrow and checks it against the expectations file written by
run.mjs: schema, row count, sums over every row, and the sampled rows in full. Prints 'ok' or
the first difference, and exits non-zero on a difference."""
import json
import sys

import pyarrow.compute as pc
import pyarrow.parquet as pq

path, expected_path = sys.argv[1], sys.argv[2]
with open(expected_path, encoding="utf-8") as f:
    expected = json.load(f)

table = pq.read_table(path)
types = {f.name: str(f.type) for f in table.schema}
want = {
    "kind": "string", "contextKind": "string", "userKey": "string", "creationDate": "int64",
    "key": "string", "variation": "string", "value": "string", "default": "bool",
    "version": "string", "source": "string", "metadata": "map<string, string ('metadata')>",
}
problems = []
for name, t in want.items():
    got = types.get(name)
    # pyarrow names the map field after the file's key_value group: both spellings are a map of strings.
    if got != t and not (name == "metadata" and got is not None and got.startswith("map<string, string")):
        problems.append(f"column {name}: {got}, expected {t}")
if table.num_rows != expected["count"]:
    problems.append(f"rows: {table.num_rows}, expected {expected['count']}")
sums = {
    "sumCreationDate": pc.sum(table["creationDate"]).as_py(),
    "defaults": pc.sum(pc.cast(table["default"], "int64")).as_py(),
    "valueChars": pc.sum(pc.utf8_length(table["value"])).as_py(),
    "metadataEntries": sum(len(chunk.keys) for chunk in table["metadata"].chunks),
}
for key, got in sums.items():
    if got != expected[key]:
        problems.append(f"{key}: {got}, expected {expected[key]}")
for sample in expected["samples"]:
    row = table.slice(sample["index"], 1).to_pylist()[0]
    row["metadata"] = sorted([list(kv) for kv in row["metadata"]])
    if row != sample["row"]:
        problems.append(f"row {sample['index']}: {row} != {sample['row']}")
        break
print("ok" if not problems else "; ".join(problems[:3]))
sys.exit(1 if problems else 0)
