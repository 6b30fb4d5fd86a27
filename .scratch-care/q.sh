psql -h 127.0.0.1 -U postgres -d ${DB:-gs_care_dev} -c "$1"
