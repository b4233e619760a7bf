-- Warns (does not fail) when the saved Splink model was trained on other data than the records
-- linked now: run `customer360 train` so the model fits your data.
{{ config(severity='warn') }}

select
    model_path,
    trained_record_count,
    linked_record_count,
    training_overlap,
    minimum_training_overlap
from {{ ref('linkage_model_fit') }}
where not fits_data
