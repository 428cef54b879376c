"""Tools around a built dataset: evaluate against gold, review by eye, export, benchmark."""
