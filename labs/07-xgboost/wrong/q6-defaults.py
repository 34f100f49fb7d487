# question: q6
# mistake: uses xgboost's default settings, which fall just short of the target
def fit_and_predict(X_train, t_train, X_val, t_val, X_test):
    model = xgb.XGBClassifier(n_jobs=1, random_state=0)
    model.fit(X_train, t_train)
    return model.predict_proba(X_test)[:, 1]
