"""Every SQL statement the dashboard runs, in one place, with bound parameters."""

# Tables loaded from Python frames: indicators(indicator, unit, aggregation, additive),
# regions(region, parent) and actuals_raw(one row per accepted file row, with file_order).
SCHEMA = """
CREATE TABLE indicators AS SELECT indicator, unit, aggregation, additive FROM indicators_frame;
CREATE TABLE regions AS SELECT region, parent FROM regions_frame;
CREATE TABLE actuals_raw AS
    SELECT indicator, region, CAST(year AS INTEGER) AS year, CAST(month AS INTEGER) AS month,
           CAST(value AS DOUBLE) AS value, basis, note, source_file,
           CAST(source_row AS INTEGER) AS source_row, CAST(file_order AS INTEGER) AS file_order
    FROM actuals_frame;

-- A later file's row for the same indicator, region and month supersedes an earlier one.
-- actuals and series are computed once when the data is loaded (a Dataset never changes), so
-- each page's queries only filter them, however many years of data there are.
CREATE TABLE actuals AS
    SELECT * FROM actuals_raw
    QUALIFY row_number() OVER (
        PARTITION BY indicator, region, year, month ORDER BY file_order DESC, source_row DESC) = 1;

-- Regions roll up to their parent (districts to 市区, 市区 and the counties to the city '')
-- only where the parent has no row of its own, only for additive units, and only when
-- every child region reported that month on the same basis.
CREATE VIEW actuals_rolled AS
WITH children AS (
    SELECT parent, count(*) AS n FROM regions GROUP BY parent
), district_sums AS (
    SELECT a.indicator, r.parent AS region, a.year, a.month, sum(a.value) AS value,
           any_value(a.basis) AS basis, '' AS note,
           string_agg(DISTINCT a.source_file, ';' ORDER BY a.source_file) AS source_file,
           NULL::INTEGER AS source_row
    FROM actuals a JOIN regions r ON a.region = r.region JOIN indicators i USING (indicator)
    WHERE r.parent <> '' AND i.additive
    GROUP BY a.indicator, r.parent, a.year, a.month
    HAVING count(DISTINCT a.basis) = 1
       AND count(*) = (SELECT n FROM children c WHERE c.parent = r.parent)
), level1 AS (
    SELECT indicator, region, year, month, value, basis, note, source_file, source_row FROM actuals
    UNION ALL
    SELECT * FROM district_sums d WHERE NOT EXISTS (
        SELECT 1 FROM actuals a WHERE a.indicator = d.indicator AND a.region = d.region
          AND a.year = d.year AND a.month = d.month)
), city_sums AS (
    SELECT l.indicator, '' AS region, l.year, l.month, sum(l.value) AS value,
           any_value(l.basis) AS basis, '' AS note,
           string_agg(DISTINCT l.source_file, ';' ORDER BY l.source_file) AS source_file,
           NULL::INTEGER AS source_row
    FROM level1 l JOIN regions r ON l.region = r.region JOIN indicators i USING (indicator)
    WHERE r.parent = '' AND i.additive
    GROUP BY l.indicator, l.year, l.month
    HAVING count(DISTINCT l.basis) = 1
       AND count(*) = (SELECT n FROM children c WHERE c.parent = '')
)
SELECT * FROM level1
UNION ALL
SELECT * FROM city_sums c WHERE NOT EXISTS (
    SELECT 1 FROM level1 l WHERE l.indicator = c.indicator AND l.region = ''
      AND l.year = c.year AND l.month = c.month);

-- One row per indicator, region and month: the month's own value and the year to date.
-- For 'sum' indicators a ytd row anchors the running total and month rows add to it;
-- the year to date is unknown (NULL) after a missing month until the next ytd row.
-- Month values of ytd rows are derived by difference with the previous month.
CREATE TABLE series AS
WITH obs AS (
    SELECT a.*, i.aggregation FROM actuals_rolled a JOIN indicators i USING (indicator)
), anchored AS (
    SELECT *, sum(CASE WHEN basis = 'ytd' THEN 1 ELSE 0 END) OVER (
        PARTITION BY indicator, region, year ORDER BY month
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS anchor
    FROM obs
), grouped AS (
    SELECT *,
        sum(value) OVER g AS group_sum,
        min(month) OVER g AS group_start,
        row_number() OVER g AS group_pos
    FROM anchored
    WINDOW g AS (PARTITION BY indicator, region, year, anchor ORDER BY month
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
), cumulative AS (
    SELECT *,
        CASE WHEN aggregation <> 'sum' THEN value
             WHEN month - group_start + 1 = group_pos AND (anchor > 0 OR group_start = 1)
             THEN group_sum END AS ytd_value
    FROM grouped
)
SELECT indicator, region, year, month, basis, value,
    CASE WHEN aggregation <> 'sum' OR basis = 'month' THEN value
         WHEN month = 1 THEN ytd_value
         WHEN lag(month) OVER s = month - 1 THEN ytd_value - lag(ytd_value) OVER s
    END AS month_value,
    ytd_value, note, source_file, source_row
FROM cumulative
WINDOW s AS (PARTITION BY indicator, region, year ORDER BY month);
DROP VIEW actuals_rolled;
"""

# The tables SCHEMA leaves (lib/loadcache.py keeps them between server starts).
TABLES = ("indicators", "regions", "actuals_raw", "actuals", "series")

SERIES_FOR_YEARS = """
SELECT indicator, region, year, month, basis, value, month_value, ytd_value, note,
       source_file, source_row
FROM series
WHERE list_contains($years, year) AND list_contains($series, indicator || '|' || region)
ORDER BY indicator, region, year, month
"""

PERIODS_WITH_DATA = """
SELECT year, max(month) AS last_month, count(DISTINCT month) AS months
FROM actuals
GROUP BY year
ORDER BY year
"""

SUPERSEDED_ROWS = """
SELECT r.indicator, r.region, r.year, r.month, r.value, r.source_file, r.source_row,
       a.source_file AS superseded_by
FROM actuals_raw r JOIN actuals a USING (indicator, region, year, month)
WHERE r.file_order <> a.file_order OR r.source_row <> a.source_row
ORDER BY r.year, r.month, r.indicator
"""

LOADED_VALUES = """
SELECT indicator, region, year, month, value, basis, source_file FROM actuals
"""

SERIES_VALUES = """
SELECT indicator, region, year, month, month_value, ytd_value FROM series
WHERE month_value IS NOT NULL OR ytd_value IS NOT NULL
"""

REGION_SERIES = """
SELECT s.region, r.parent, s.month, s.month_value, s.ytd_value, s.source_file
FROM series s JOIN regions r ON s.region = r.region
WHERE s.indicator = $indicator AND s.year = $year AND s.month <= $as_of
ORDER BY s.region, s.month
"""

# The city's year to date against the sum of its county-level regions, where every region reported.
CITY_VS_REGIONS = """
WITH city AS (
    SELECT year, month, ytd_value FROM series WHERE indicator = $indicator AND region = ''
), regional AS (
    SELECT s.year, s.month, sum(s.ytd_value) AS regions_sum, count(s.ytd_value) AS n
    FROM series s JOIN regions r ON s.region = r.region
    WHERE s.indicator = $indicator AND r.parent = ''
    GROUP BY s.year, s.month
)
SELECT c.year, c.month, c.ytd_value AS city_value, g.regions_sum
FROM city c JOIN regional g USING (year, month)
WHERE g.n = (SELECT count(*) FROM regions WHERE parent = '') AND c.ytd_value IS NOT NULL
ORDER BY c.year, c.month
"""
