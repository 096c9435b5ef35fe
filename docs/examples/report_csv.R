# Loading the CSV of `sprsim report` in R, base R only (docs/output.md, "The report's CSV").
# usage: Rscript report_csv.R REPORT.csv [PLOT.png]
# Pivots the municipality's yearly measures to a wide table (a column per measure, sex and age),
# prints each policy's effect on isolation 65+ with its interval (the report's rows with stat mean,
# lo, hi), and plots the yearly paired difference in isolation 65+ from the reference with its
# 95% interval.  tests/test_report_csv.sh runs it when Rscript is installed.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: Rscript report_csv.R REPORT.csv [PLOT.png]")
# every column as text ("" for an empty cell), then the values as numbers
csv <- read.csv(args[1], colClasses = "character", na.strings = character(0))
csv$value <- as.numeric(csv$value)
scenarios <- unique(csv$scenario)              # in the file's order: the first is the reference

yearly <- subset(csv, replicate != "" & year != "" & stat == "" & district == "" & team == "" &
                      payer == "" & household == "")
yearly$column <- paste(yearly$measure, yearly$sex, yearly$age, sep = "|")
wide <- reshape(yearly[, c("scenario", "replicate", "year", "column", "value")],
                idvar = c("scenario", "replicate", "year"), timevar = "column", direction = "wide")
names(wide) <- sub("^value\\.", "", names(wide))
cat("draw column:", "draw" %in% names(csv), "\n")
cat("wide table:", nrow(wide), "rows,", ncol(wide) - 3, "measure columns\n")

effect <- subset(csv, measure == "effect_isolated" & sex == "" & household == "" & district == "")
for (s in unique(effect$scenario)) {
  e <- subset(effect, scenario == s)
  v <- setNames(e$value, e$stat)
  cat(sprintf("isolated 65+, %s - %s: %+.3f [%+.3f, %+.3f] points\n", s, scenarios[1], v["mean"], v["lo"], v["hi"]))
}

# the paired difference by year, replicate by replicate
iso <- wide[, c("scenario", "replicate", "year", "isolated||65+")]
names(iso)[4] <- "isolated"
ref <- subset(iso, scenario == scenarios[1])
diffs <- list()
for (s in setdiff(scenarios, scenarios[1])) {
  m <- merge(subset(iso, scenario == s), ref, by = c("replicate", "year"), suffixes = c("", ".ref"))
  m$d <- m$isolated - m$isolated.ref
  a <- aggregate(d ~ year, m, function(x) c(mean = mean(x), half = 1.96 * sd(x) / sqrt(length(x))))
  diffs[[s]] <- data.frame(year = as.integer(a$year), mean = a$d[, "mean"], lo = a$d[, "mean"] - a$d[, "half"],
                           hi = a$d[, "mean"] + a$d[, "half"])
  print(cbind(scenario = s, diffs[[s]]))
}
if (length(args) >= 2 && length(diffs) > 0) {
  png(args[2], width = 800, height = 450)
  par(mar = c(4, 4, 1, 10), xpd = FALSE)
  all <- do.call(rbind, diffs)
  plot(NA, xlim = range(all$year), ylim = range(c(all$lo, all$hi, 0)), xlab = "year",
       ylab = paste("isolated 65+, difference from", scenarios[1], "(points)"))
  abline(h = 0, col = "grey")
  for (k in seq_along(diffs)) {
    d <- diffs[[k]]
    polygon(c(d$year, rev(d$year)), c(d$lo, rev(d$hi)), col = adjustcolor(k, 0.2), border = NA)
    lines(d$year, d$mean, col = k, lwd = 2)
  }
  legend("topleft", inset = c(1.02, 0), legend = names(diffs), col = seq_along(diffs), lwd = 2, xpd = TRUE)
  invisible(dev.off())
}
