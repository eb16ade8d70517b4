"""The rules of the season: periods and working days, agencies, Indonesian wording."""
