"""Readers and writers (Excel, JSON), the workbook template and the command line."""
