"""The year-end assessment of units (考核排名): timeliness, completeness and accuracy of their
verifications, with bonus points for disputes they reported first."""
