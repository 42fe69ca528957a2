"""The input fuzz test's parts (tests/test_fuzz_inputs.py): what each page accepts (discovery), the hostile
values (values) and the database state a rejected request must leave alone (snapshot)."""
