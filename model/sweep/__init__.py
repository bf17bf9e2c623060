"""Many scenarios at once: sweep designs, their points and identities, the runner (in this process or on Dask).

``design`` reads and validates design files and turns them into points; ``identity`` names each point by what
determines its result; ``populations`` says how a worker gets its households; ``runner`` evaluates points and
keeps ``results.parquet`` (``store``) up to date; ``cluster`` opens a Dask client. Nothing here draws or prints.
"""
