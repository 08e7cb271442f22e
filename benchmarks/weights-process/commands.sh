# The commands measure.sh and cpu.sh time, sourced by both: their names, and weights_args NAME gives the arguments.
commands="help rp-market rp-hard equal"
weights_args() {
  case $1 in
    help) echo "--help";;
    rp-market) echo "weights --covariance cov1000.csv --scheme risk-parity";;
    rp-hard) echo "weights --covariance hard1000.csv --scheme risk-parity";;
    equal) echo "weights --covariance cov1000.csv --scheme equal";;
  esac
}
