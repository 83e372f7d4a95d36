// First start only (the mongo image runs docker-entrypoint-initdb.d/ on an empty volume, as
// the root user): create the application's user with the least privilege it needs, readWrite
// on its one database (documents, indexes, collections; no user, role or server admin).
// Its password comes from the Docker secret mongodb_app_password (docker/init-secrets.sh).
const fs = require('fs');
const database = process.env.MONGO_INITDB_DATABASE || 'normogen';
const password = fs.readFileSync('/run/secrets/mongodb_app_password', 'utf8').trim();
db.getSiblingDB(database).createUser({
  user: 'normogen',
  pwd: password,
  roles: [{ role: 'readWrite', db: database }],
});
